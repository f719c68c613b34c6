// wrk (C, Debian package `wrk`) as a second load generator: autocannon runs in JavaScript on the same two cores as
// the simulator and saturates first, so wrk shows what the simulator itself sustains. Signed calls need a fresh
// nonce per request; wrk's Lua cannot hash, so the x-tif headers are precomputed (one line per request) and the Lua
// script takes them in order. Returns null when wrk is not installed.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuNote, procCpuUs } from "./proc-cpu.mjs";

export function hasWrk() {
  return spawnSync("wrk", ["--version"]).error === undefined;
}

const LUA = `
local lines, i = {}, 0
local path = os.getenv("GATESIM_WRK_LINES")
local body = os.getenv("GATESIM_WRK_BODY")
local sid = os.getenv("GATESIM_WRK_SERVICE")
if path then for l in io.lines(path) do lines[#lines + 1] = l end end
request = function()
  if #lines == 0 then return wrk.format() end
  i = i + 1
  if i > #lines then i = 1 end
  local ts, nonce, sig, paasid = lines[i]:match("([^|]*)|([^|]*)|([^|]*)|([^|]*)")
  wrk.headers["x-tif-paasid"] = paasid
  wrk.headers["x-tif-timestamp"] = ts
  wrk.headers["x-tif-nonce"] = nonce
  wrk.headers["x-tif-signature"] = sig
  if sid and sid ~= "" then wrk.headers["x-tif-serviceId"] = sid end
  if body and body ~= "" then
    wrk.headers["content-type"] = "application/json"
    return wrk.format("POST", nil, nil, body)
  end
  return wrk.format()
end
`;

/**
 * Run wrk; `sign` = {paasid, token, serviceId?, body?} precomputes enough signed header sets for the run; `pid` (the
 * simulator's process) adds its CPU time per request to the result.
 */
export function runWrk({ url, seconds = 10, connections = 50, sign, expectedRate = 30000, pid, who }) {
  if (!hasWrk()) return null;
  const dir = mkdtempSync(join(tmpdir(), "gatesim-wrk-"));
  try {
    const script = join(dir, "req.lua");
    writeFileSync(script, LUA);
    const env = { ...process.env };
    const lines = join(dir, "lines");
    // one line of fresh x-tif headers per request the run can make (wrk's Lua cannot hash)
    const writeSignedLines = () => {
      const n = Math.ceil(expectedRate * (seconds + 4));
      const ts = String(Math.floor(Date.now() / 1000));
      const out = new Array(n);
      for (let k = 0; k < n; k++) {
        const nonce = randomBytes(8).toString("hex");
        out[k] = `${ts}|${nonce}|${createHash("sha256")
          .update(ts + sign.token + nonce + ts)
          .digest("hex")}|${sign.paasid}`;
      }
      writeFileSync(lines, out.join("\n"));
    };
    if (sign) {
      writeSignedLines();
      Object.assign(env, {
        GATESIM_WRK_LINES: lines,
        GATESIM_WRK_BODY: sign.body ?? "",
        GATESIM_WRK_SERVICE: sign.serviceId ?? "",
      });
    }
    // 2 s warm-up, not counted
    execFileSync("wrk", ["-t1", `-c${connections}`, "-d2s", "-s", script, url], { env, stdio: "ignore" });
    // fresh nonces for the measured run: the warm-up consumed the first lines
    if (sign) writeSignedLines();
    const cpuBefore = pid ? procCpuUs(pid) : undefined;
    const text = execFileSync("wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, url], {
      env,
      encoding: "utf8",
    });
    const cpuAfter = pid ? procCpuUs(pid) : undefined;
    const num = (re) => {
      const m = re.exec(text);
      return m ? Number(m[1]) : undefined;
    };
    const ms = (re) => {
      const m = re.exec(text);
      if (!m) return undefined;
      const v = Number(m[1]);
      return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
    };
    return {
      rps: num(/Requests\/sec:\s+([\d.]+)/),
      p50: ms(/50%\s+([\d.]+)(us|ms|s)/),
      p99: ms(/99%\s+([\d.]+)(us|ms|s)/),
      non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
      errors: num(/Socket errors:.*?(\d+)/) ?? 0,
      cpu: cpuNote(cpuBefore, cpuAfter, num(/(\d+) requests in/), who),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const fmtWrk = (name, r) =>
  `${name.padEnd(34)} ${Math.round(r.rps).toString().padStart(7)} req/s   p50 ${r.p50?.toFixed(2)} ms   p99 ${r.p99?.toFixed(2)} ms   non-2xx ${r.non2xx}   (wrk)${r.cpu ?? ""}`;
