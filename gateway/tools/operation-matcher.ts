// Finds the contract operation of a raw request (method + path template + x-tif-serviceId), for tools that see
// traffic outside the simulator's router: the validating proxy.
import type { Operation, OperationTable } from "../../contracts/loader.js";

interface Compiled {
  op: Operation;
  re: RegExp;
  names: string[];
  /** Literal characters in the template: more literal = more specific. */
  literal: number;
}

export interface MatchedOperation {
  op: Operation;
  params: Record<string, string>;
}

export class OperationMatcher {
  private readonly compiled: Compiled[];

  constructor(table: OperationTable) {
    this.compiled = table.operations
      .map((op) => {
        const names: string[] = [];
        const src = op.path
          .split(/(\{[^}]+\})/)
          .map((part) => {
            const m = /^\{([^}]+)\}$/.exec(part);
            if (m) {
              names.push(m[1]);
              return "([^/]+)";
            }
            return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          })
          .join("");
        return { op, re: new RegExp(`^${src}$`), names, literal: op.path.replace(/\{[^}]+\}/g, "").length };
      })
      .sort((a, b) => b.literal - a.literal);
  }

  /** The operation for method + path; GatewayMsg routes need the serviceId. */
  match(method: string, path: string, serviceId?: string): MatchedOperation | undefined {
    for (const c of this.compiled) {
      if (c.op.method !== method.toUpperCase()) continue;
      const m = c.re.exec(path);
      if (!m) continue;
      if (c.op.serviceId && c.op.serviceId !== serviceId) continue;
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      return { op: c.op, params };
    }
    return undefined;
  }
}
