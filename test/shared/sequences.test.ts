// Platform-wide sequences (seal and licence codes) kept in the sandbox store: after a restart — a new process reading
// the same store — no tenant gets a number another tenant already holds.
import { describe, expect, it } from "vitest";
import { Clock } from "../../mocks/shared/clock.js";
import { PlatformSequences } from "../../mocks/shared/sequences.js";
import { MemoryStore } from "../../mocks/shared/store.js";

describe("PlatformSequences over a store", () => {
  it("continues after a restart from the numbers handed out before it, per key", async () => {
    const store = new MemoryStore(new Clock(), { json: true });
    const first = new PlatformSequences();
    await first.attach(store, "eseal.sequence");
    expect([first.next("seal:440507"), first.next("seal:440507", 0), first.next("seal:440511")]).toEqual([1, 2, 1]);
    const afterRestart = new PlatformSequences();
    await afterRestart.attach(store, "eseal.sequence");
    expect(afterRestart.next("seal:440507")).toBe(3);
    expect(afterRestart.next("seal:440511")).toBe(2);
    // a tenant's own floor still wins when it is higher
    expect(afterRestart.next("seal:440507", 10)).toBe(11);
  });

  it("without a store, each process starts again (the memory backend's behaviour)", () => {
    const s = new PlatformSequences();
    expect(s.next("k")).toBe(1);
    expect(new PlatformSequences().next("k")).toBe(1);
  });
});
