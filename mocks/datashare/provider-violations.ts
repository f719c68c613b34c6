// The provider's side of a contract check: violations found in a hooked interface's answers, kept
// per call next to its audit entry, bounded, and readable by the resource's provider.
import type { Store } from "../shared/store.js";
import type { AuditEntry, Diagnostic, TenantDirectory } from "./types.js";

const K_VIOLATION = "ds.provider-violation";

export interface ProviderViolationRecord {
  auditId: string;
  /** ISO 8601 instant of the call (consumer's clock). */
  time: string;
  consumerPaasid: string;
  serviceId: string;
  resourceCode: string;
  resourceName: string;
  providerCode: string;
  /** errcode the consumer got: 0 when the rows were usable despite the violations, 50201 when not. */
  errcode: number;
  violations: Diagnostic[];
}

export class ProviderViolationLog {
  private seq = 0;

  /** `cap` bounds memory (architecture §7): beyond it the oldest records are dropped. */
  constructor(
    private readonly directory: Pick<TenantDirectory, "platform" | "durable">,
    private readonly cap = 10_000,
  ) {}

  private get store(): Store {
    return this.directory.platform;
  }

  async record(audit: AuditEntry, violations: Diagnostic[]): Promise<void> {
    const seq = this.directory.durable ? await this.store.next(K_VIOLATION, "seq") : ++this.seq;
    const rec: ProviderViolationRecord = {
      auditId: audit.id,
      time: new Date(audit.time).toISOString(),
      consumerPaasid: audit.consumerPaasid,
      serviceId: audit.serviceId,
      resourceCode: audit.resourceCode,
      resourceName: audit.resourceName,
      providerCode: audit.providerCode,
      errcode: audit.errcode,
      violations,
    };
    await this.store.put(K_VIOLATION, String(seq), rec, {
      index: { owner: audit.ownerPaasid ?? "", provider: audit.providerCode },
    });
    if (seq > this.cap) await this.store.delete(K_VIOLATION, String(seq - this.cap));
  }

  /** Newest `limit` records of resources the tenant compiled or its organisation provides. */
  async forProvider(paasid: string, orgCode: string | undefined, limit: number): Promise<ProviderViolationRecord[]> {
    const owned = await this.store.list<ProviderViolationRecord>(K_VIOLATION, { index: "owner", value: paasid });
    const byOrg = orgCode
      ? await this.store.list<ProviderViolationRecord>(K_VIOLATION, { index: "provider", value: orgCode })
      : [];
    const seen = new Set<string>();
    const all = [...owned, ...byOrg].filter((r) => (seen.has(r.auditId) ? false : (seen.add(r.auditId), true)));
    all.sort((a, b) => (a.auditId < b.auditId ? -1 : 1));
    return all.slice(-limit);
  }
}
