// CPU time a process has used (user + system, µs, all its threads) from /proc on Linux; undefined elsewhere.
// Benchmarks divide it by the requests served: "simulator CPU per request" stays steady when the machine is busy or
// the load generator shares the cores, where req/s does not.
import { readFileSync } from "node:fs";

const TICK_US = 10_000; // USER_HZ is 100 on every Linux the benchmarks run on (getconf CLK_TCK)

export function procCpuUs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) * TICK_US;
  } catch {
    return undefined;
  }
}

/** "   simulator CPU N µs/req" for a run (`who` names another server), or "" when it could not be measured. */
export function cpuNote(before, after, requests, who = "simulator") {
  return before === undefined || after === undefined || !requests
    ? ""
    : `   ${who} CPU ${Math.round((after - before) / requests)} µs/req`;
}
