// The readiness report over a department's own contracts: each of their operations is a required operation of the
// profile (a department mounting a contract is preparing to call all of it; GatewayMsg mappings count for theirs).
import type { OperationTable } from "../../contracts/loader.js";
import type { ReportProfile, RequiredOperation } from "../tools/report-profiles.js";
import { BYOC_PREFIX } from "./user-contracts.js";

export function withUserContractOperations(profile: ReportProfile, table: OperationTable): ReportProfile {
  const extra: RequiredOperation[] = [];
  for (const op of table.operations) {
    if (!op.platform.startsWith(BYOC_PREFIX) || op.serviceId) continue;
    const ids = table.operations
      .filter((o) => o.operationId === op.operationId || o.operationId.startsWith(`${op.operationId}#`))
      .map((o) => o.operationId);
    const label = `${op.method} ${op.path}${op.summary ? ` — ${op.summary}` : ""}`;
    extra.push({
      id: op.operationId,
      platform: op.platform,
      zh: `调用所挂载契约的接口 ${label}`,
      en: `call the mounted contract's operation ${label}`,
      match: { operationId: ids },
      hint: "见 /docs 中该契约 / see the contract in /docs",
    });
  }
  return extra.length ? { ...profile, operations: [...profile.operations, ...extra] } : profile;
}
