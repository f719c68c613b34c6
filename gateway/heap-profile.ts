// How much memory V8 may hold beyond what is live: the simulator's heap profile (config `heap`).
//
// Under sustained load V8's defaults let each isolate's heap grow to several times its live size before it collects
// (the old generation grows by up to 4× the live size after a full GC, and each young generation to 3 × 16 MB): a soak
// of the default simulator held ≈35–50 MB live on the main thread but 200–275 MB of committed heap, so RSS rose from
// ≈140 MB to 450–600 MB and stayed there. "lean" (the default) bounds that headroom:
//   - the main thread's old generation grows by 25 % over its live size (`--heap-growing-percent`, a flag V8 reads at
//     each collection, so it can be set while running); its young generation keeps V8's size (holding it at 1 MB
//     semi-spaces saved ≈10 MB more in the soak and cost a fifth more CPU per request in the query benchmark);
//   - the HTTP thread, which keeps no state, gets a 6 MB young generation (Worker resourceLimits, 2 MB semi-spaces).
// The cost is more frequent, shorter collections; measured in the README (Performance, Memory). "throughput" keeps
// V8's defaults. Node documents v8.setFlagsFromString as usable only with care; this flag is a heuristic that
// V8 reads afresh at every collection, and nothing else is set.
import { setFlagsFromString } from "node:v8";
import type { ResourceLimits } from "node:worker_threads";

export type HeapProfile = "lean" | "throughput";

/** The V8 flags "lean" sets on this process (exported for the test that checks they are accepted). */
export const LEAN_FLAGS = ["--heap-growing-percent=25"] as const;

let applied: HeapProfile | undefined;

/** Apply the profile to this process's main isolate, once (later calls with another profile change nothing). */
export function applyHeapProfile(profile: HeapProfile): void {
  if (applied) return;
  applied = profile;
  if (profile === "lean") for (const flag of LEAN_FLAGS) setFlagsFromString(flag);
}

/** The HTTP thread's resource limits under the profile (none under "throughput"). */
export function threadLimits(profile: HeapProfile): ResourceLimits | undefined {
  return profile === "lean" ? { maxYoungGenerationSizeMb: 6 } : undefined;
}
