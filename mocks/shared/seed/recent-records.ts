// A small bounded cache of recently generated seed records: lookups of the same person or enterprise in a burst
// (a query and its audit, a licence and its holder) regenerate it once. Records are frozen, so sharing is safe.

export class RecentRecords<T> {
  private readonly map = new Map<number, T>();

  constructor(private readonly max = 4096) {}

  get(i: number, make: (i: number) => T): T {
    let v = this.map.get(i);
    if (v !== undefined) return v;
    v = make(i);
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(i, v);
    return v;
  }
}
