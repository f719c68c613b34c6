// A per-tenant virtual clock: every time rule reads now() so tests can freeze or advance time (architecture.md §4).

export interface ClockState {
  offsetMs: number;
  frozenAt: number | null;
}

export class Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  /** Called after every change (the tenant registry stores the offset, so a restart keeps the tenant's time). */
  onChange?: (state: ClockState) => void;

  constructor(private readonly realNow: () => number = Date.now) {}

  private changed(): void {
    this.onChange?.({ offsetMs: this.offsetMs, frozenAt: this.frozenAt });
  }

  /** Back to a stored state (no onChange: it is already stored). */
  restore(s: ClockState): void {
    this.offsetMs = s.offsetMs;
    this.frozenAt = s.frozenAt;
  }

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
    this.changed();
  }

  unfreeze(): void {
    if (this.frozenAt !== null) this.offsetMs = this.frozenAt - this.realNow();
    this.frozenAt = null;
    this.changed();
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
    this.changed();
  }

  set(at: number): void {
    if (this.frozenAt !== null) this.frozenAt = at;
    else this.offsetMs = at - this.realNow();
    this.changed();
  }

  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = null;
    this.changed();
  }

  state(): ClockState & { now: number; frozen: boolean } {
    return { offsetMs: this.offsetMs, frozenAt: this.frozenAt, now: this.now(), frozen: this.frozenAt !== null };
  }
}
