// "Near miss" explanations (WireMock's habit, peers.md): which operation a request came closest to, and why it did
// not match.
import type { Operation } from "../contracts/loader.js";

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

export function closest(s: string, candidates: string[], n: number): string[] {
  return candidates
    .map((c) => [c, editDistance(s, c)] as const)
    .sort((a, b) => a[1] - b[1])
    .slice(0, n)
    .map(([c]) => c);
}

const segs = (p: string) => p.split("/").filter(Boolean);

/** Distance between a concrete path and an OpenAPI template: per segment, a {param} matches anything. */
function pathDistance(path: string, template: string): number {
  const a = segs(path),
    b = segs(template);
  let d = Math.abs(a.length - b.length) * 4;
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (!/^\{.+\}$/.test(b[i])) d += Math.min(editDistance(a[i], b[i]), 4);
  return d;
}

export interface NearMiss {
  operationId: string;
  method: string;
  path: string;
  reason: string;
  reasonZh: string;
}

export function nearestOperation(method: string, path: string, ops: Operation[]): NearMiss | undefined {
  let best: { op: Operation; d: number } | undefined;
  for (const op of ops) {
    const d = pathDistance(path, op.path) + (op.method === method ? 0 : 1);
    if (!best || d < best.d) best = { op, d };
  }
  if (!best) return undefined;
  const { op } = best;
  const samePath = pathDistance(path, op.path) === 0;
  let reason: string, reasonZh: string;
  if (samePath) {
    reason = `the path exists but accepts ${ops
      .filter((o) => pathDistance(path, o.path) === 0)
      .map((o) => o.method)
      .join(", ")}, not ${method}`;
    reasonZh = `路径存在，但不支持 ${method} 方法`;
  } else {
    const a = segs(path),
      b = segs(op.path);
    const i = a.findIndex((s, k) => b[k] === undefined || (!/^\{.+\}$/.test(b[k]) && b[k] !== s));
    const at = i === -1 ? a.length : i;
    reason =
      b.length !== a.length && i === -1
        ? `the path has ${a.length} segments, ${op.path} has ${b.length}`
        : `segment ${at + 1} is "${a[at] ?? ""}", expected "${b[at] ?? "(end)"}"`;
    reasonZh =
      b.length !== a.length && i === -1
        ? `路径段数不同（${a.length} 对 ${b.length}）`
        : `第 ${at + 1} 段为 "${a[at] ?? ""}"，应为 "${b[at] ?? "(结束)"}"`;
  }
  return { operationId: op.operationId, method: op.method, path: op.openapiPath, reason, reasonZh };
}
