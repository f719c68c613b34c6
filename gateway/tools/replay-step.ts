// Replays fixtures recorded by `gatesim proxy --record` inside the simulator: a pipeline step before dispatch that
// answers a request with the recorded response of the same operation (and serviceId), preferring the exchange whose
// request body was identical. Authentication, validation and response checks still run as for any answer.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Exchange, Step } from "../pipeline/exchange.js";
import { dispatch } from "../pipeline/dispatch.js";
import type { Fixture } from "./validating-proxy.js";

export function loadFixtures(dir: string): Fixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Fixture)
    .filter((f) => f.gatesimFixture === 1 && f.operationId);
}

const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );

export function replayStep(fixtures: Fixture[]): Step {
  const byOp = new Map<string, Fixture[]>();
  for (const f of fixtures) {
    const key = `${f.operationId}\u0000${f.serviceId ?? ""}`;
    byOp.set(key, [...(byOp.get(key) ?? []), f]);
  }
  return function replay(x: Exchange): void {
    if (x.result || x.drop || !x.op) return;
    const list = byOp.get(`${x.op.operationId}\u0000${x.serviceId ?? ""}`);
    if (!list?.length) return;
    const body = stable(x.body);
    const f = list.find((c) => stable(c.request.body) === body) ?? list[0];
    const r = f.response;
    const value = r.bodyEncoding === "base64" && typeof r.body === "string" ? Buffer.from(r.body, "base64") : r.body;
    const contentType = r.headers["content-type"];
    x.result = {
      status: r.status,
      ...(contentType ? { contentType } : {}),
      body:
        value === undefined
          ? undefined
          : r.bodyEncoding === "json"
            ? value
            : typeof value === "string" || Buffer.isBuffer(value)
              ? value
              : JSON.stringify(value),
      headers: { "x-gatesim-replayed": f.recordedAt },
    };
  };
}

/** The pipeline with replay inserted just before dispatch. */
export function withReplay(steps: Step[], fixtures: Fixture[]): Step[] {
  const i = steps.indexOf(dispatch);
  const at = i === -1 ? steps.length : i;
  return [...steps.slice(0, at), replayStep(fixtures), ...steps.slice(at)];
}
