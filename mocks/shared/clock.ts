// A per-tenant virtual clock: every time rule reads now() so tests can freeze or advance time (architecture.md §4).

export interface ClockState {
  offsetMs: number;
  frozenAt: number | null;
}

export class Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  constructor(private readonly realNow: () => number = Date.now) {}

  /** Milliseconds since the epoch, as this tenant sees them. */
  now(): number {
    return this.frozenAt ?? this.realNow() + this.offsetMs;
  }

  /** Unix seconds. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  freeze(at: number = this.now()): void {
    this.frozenAt = at;
  }

  unfreeze(): void {
    if (this.frozenAt !== null) this.offsetMs = this.frozenAt - this.realNow();
    this.frozenAt = null;
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  set(at: number): void {
    if (this.frozenAt !== null) this.frozenAt = at;
    else this.offsetMs = at - this.realNow();
  }

  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = null;
  }

  state(): ClockState & { now: number; frozen: boolean } {
    return { offsetMs: this.offsetMs, frozenAt: this.frozenAt, now: this.now(), frozen: this.frozenAt !== null };
  }
}
