// Apply → review → grant (facts §5.3, §8.5); applications and grants live in the consumer's namespace.
import { randomBytes } from "node:crypto";
import type { Catalogue } from "./catalogue.js";
import { DatashareError, diag } from "./errors.js";
import type {
  Actor,
  Application,
  CatalogueEntry,
  DatashareTenant,
  Diagnostic,
  Grant,
  TenantDirectory,
} from "./types.js";

const K_APP = "ds.application";
const K_GRANT = "ds.grant";
const K_USAGE = "ds.usage";
const K_REVIEW = "ds.review";

export interface GrantDefaults {
  /** Successful calls allowed by a grant unless the reviewer says otherwise. */
  quota: number;
  /** Validity of a grant from its approval, in days of the consumer's clock. */
  validityDays: number;
}

export const DEFAULT_GRANT: GrantDefaults = { quota: 10_000, validityDays: 365 };

export interface ApplyInput {
  resourceCode?: string;
  serviceId?: string;
  fields: string[];
  purpose: string;
  legalBasis?: string;
  /** 事项编码 of the service item the data serves. */
  itemCode: string;
}

export interface Decision {
  comment?: string;
  /** Fields to mask; default: the requested fields the catalogue marks sensitive. */
  maskedFields?: string[];
  quota?: number;
  /** ms since the epoch (consumer's clock). */
  validUntil?: number;
}

/** Entry in the provider-side review queue. */
export interface ReviewTicket {
  applicationId: string;
  consumerPaasid: string;
  resourceCode: string;
  serviceId: string;
  resourceName: string;
  providerCode: string;
  ownerPaasid?: string;
  fields: string[];
  purpose: string;
  legalBasis: string;
  itemCode: string;
  createdAt: number;
  status: Application["status"];
}

function newId(prefix: string): string {
  return prefix + randomBytes(8).toString("hex");
}

/**
 * 无条件共享 is approved at once, 有条件共享 waits for the provider's tenant (or an admin), 不予共享 is refused with its
 * legal basis. The provider's review queue is a platform-level index of tickets pointing into consumers' namespaces.
 */
export class Applications {
  constructor(
    private readonly directory: TenantDirectory,
    private readonly catalogue: Catalogue,
    private readonly defaults: GrantDefaults = DEFAULT_GRANT,
  ) {}

  private tenant(paasid: string): DatashareTenant {
    const t = this.directory.tenant(paasid);
    if (!t) throw new DatashareError("notFound", { zh: `未知应用 ${paasid}`, en: `unknown application ${paasid}` });
    return t;
  }

  /** A consumer applies for fields of a resource; returns the application and, when approved at once, the grant. */
  async apply(paasid: string, input: ApplyInput): Promise<{ application: Application; grant?: Grant }> {
    const t = this.tenant(paasid);
    const entry = await this.catalogue.require({ resourceCode: input.resourceCode, serviceId: input.serviceId });
    if (entry.status === "withdrawn")
      throw new DatashareError("resourceWithdrawn", {
        zh: `资源 ${entry.resourceCode} 已撤销`,
        en: `resource ${entry.resourceCode} is withdrawn`,
      });
    const d = checkApplyInput(entry, input);
    if (d.length)
      throw new DatashareError("applicationInvalid", { zh: `${d.length} 处错误`, en: `${d.length} problem(s)` }, d);
    const now = t.clock.now();
    const app: Application = {
      id: newId("DSA"),
      consumerPaasid: paasid,
      resourceCode: entry.resourceCode,
      serviceId: entry.serviceId,
      fields: [...new Set(input.fields)],
      purpose: input.purpose,
      legalBasis: input.legalBasis ?? "",
      itemCode: input.itemCode,
      shareType: entry.share.type,
      status: "pending",
      createdAt: now,
    };
    if (entry.share.type === "不予共享") {
      Object.assign(app, {
        status: "refused",
        decidedAt: now,
        decidedBy: "catalogue",
        reason: `不予共享 / not shared: ${entry.share.legalBasis ?? ""}`,
      });
      await this.saveApp(t, app);
      return { application: app };
    }
    if (entry.share.type === "无条件共享") {
      const grant = await this.grantFor(
        t,
        app,
        entry,
        { comment: "无条件共享，自动批准 / unconditional sharing, approved automatically" },
        "auto",
      );
      return { application: (await this.getApplication(paasid, app.id))!, grant };
    }
    await this.saveApp(t, app);
    const ticket: ReviewTicket = {
      applicationId: app.id,
      consumerPaasid: paasid,
      resourceCode: entry.resourceCode,
      serviceId: entry.serviceId,
      resourceName: entry.name,
      providerCode: entry.providerCode,
      ownerPaasid: entry.ownerPaasid,
      fields: app.fields,
      purpose: app.purpose,
      legalBasis: app.legalBasis,
      itemCode: app.itemCode,
      createdAt: now,
      status: "pending",
    };
    await this.saveTicket(ticket);
    return { application: app };
  }

  private saveApp(t: DatashareTenant, app: Application): Promise<void> {
    return t.store.put(K_APP, app.id, app, { index: { serviceId: app.serviceId, status: app.status } });
  }

  private saveTicket(ticket: ReviewTicket): Promise<void> {
    return this.directory.platform.put(K_REVIEW, ticket.applicationId, ticket, {
      index: {
        provider: ticket.providerCode,
        owner: ticket.ownerPaasid ?? "",
        status: ticket.status,
        consumer: ticket.consumerPaasid,
      },
    });
  }

  private async grantFor(
    t: DatashareTenant,
    app: Application,
    entry: CatalogueEntry,
    decision: Decision,
    by: string,
  ): Promise<Grant> {
    const now = t.clock.now();
    const d = checkDecision(app, decision, now);
    if (d.length)
      throw new DatashareError(
        "applicationInvalid",
        { zh: `审批参数有 ${d.length} 处错误`, en: `${d.length} problem(s) in the decision` },
        d,
      );
    const sensitive = new Set(entry.items.filter((i) => i.sensitive).map((i) => i.code));
    const grant: Grant = {
      id: newId("DSG"),
      paasid: t.paasid,
      serviceId: entry.serviceId,
      resourceCode: entry.resourceCode,
      applicationId: app.id,
      purpose: app.purpose,
      itemCode: app.itemCode,
      allowedFields: app.fields,
      maskedFields: decision.maskedFields ?? app.fields.filter((f) => sensitive.has(f)),
      quota: decision.quota ?? this.defaults.quota,
      validUntil: decision.validUntil ?? now + this.defaults.validityDays * 86_400_000,
      status: "active",
      createdAt: now,
    };
    // one grant per serviceId: the newest approval replaces the previous grant (and its usage count)
    await t.store.put(K_GRANT, entry.serviceId, grant, { index: { status: "active" } });
    Object.assign(app, {
      status: "approved",
      decidedAt: now,
      decidedBy: by,
      grantId: grant.id,
      ...(decision.comment ? { reason: decision.comment } : {}),
    });
    await this.saveApp(t, app);
    return grant;
  }

  private async decide(
    actor: Actor,
    applicationId: string,
  ): Promise<{ ticket: ReviewTicket; t: DatashareTenant; app: Application; entry: CatalogueEntry }> {
    const ticket = await this.directory.platform.get<ReviewTicket>(K_REVIEW, applicationId);
    const t = ticket && this.directory.tenant(ticket.consumerPaasid);
    const app = t && (await t.store.get<Application>(K_APP, applicationId));
    if (!ticket || !t || !app)
      throw new DatashareError("notFound", {
        zh: `没有待审核的申请 ${applicationId}`,
        en: `no application ${applicationId} to review`,
      });
    const entry = await this.catalogue.require({ resourceCode: app.resourceCode });
    if (!this.catalogue.isProvider(actor, entry))
      throw new DatashareError("notProvider", {
        zh: `无权审核资源 ${entry.resourceCode} 的申请`,
        en: `not allowed to review applications for ${entry.resourceCode}`,
      });
    if (app.status !== "pending")
      throw new DatashareError("notPending", {
        zh: `申请 ${app.id} 当前状态为 ${app.status}`,
        en: `application ${app.id} is ${app.status}`,
      });
    return { ticket, t, app, entry };
  }

  /** The provider (tenant whose org is the provider, or the entry's owner) or an admin approves. */
  async approve(
    actor: Actor,
    applicationId: string,
    decision: Decision = {},
  ): Promise<{ application: Application; grant: Grant }> {
    const { ticket, t, app, entry } = await this.decide(actor, applicationId);
    if (entry.status === "withdrawn")
      throw new DatashareError("resourceWithdrawn", {
        zh: `资源 ${entry.resourceCode} 已撤销`,
        en: `resource ${entry.resourceCode} is withdrawn`,
      });
    const grant = await this.grantFor(t, app, entry, decision, actor.kind === "admin" ? "admin" : actor.paasid);
    await this.saveTicket({ ...ticket, status: "approved" });
    return { application: app, grant };
  }

  async deny(actor: Actor, applicationId: string, reason: string): Promise<Application> {
    const { ticket, t, app } = await this.decide(actor, applicationId);
    Object.assign(app, {
      status: "denied",
      decidedAt: t.clock.now(),
      decidedBy: actor.kind === "admin" ? "admin" : actor.paasid,
      reason: reason || "未说明理由 / no reason given",
    });
    await this.saveApp(t, app);
    await this.saveTicket({ ...ticket, status: "denied" });
    return app;
  }

  /** Applications awaiting (or past) review that this actor may decide. */
  async reviewQueue(actor: Actor, status: Application["status"] | "any" = "pending"): Promise<ReviewTicket[]> {
    const all =
      status === "any"
        ? await this.directory.platform.list<ReviewTicket>(K_REVIEW)
        : await this.directory.platform.list<ReviewTicket>(K_REVIEW, { index: "status", value: status });
    const out: ReviewTicket[] = [];
    for (const tk of all) {
      const entry = await this.catalogue.get(tk.resourceCode);
      if (entry && this.catalogue.isProvider(actor, entry) && this.directory.tenant(tk.consumerPaasid)) out.push(tk);
    }
    return out;
  }

  async getApplication(paasid: string, id: string): Promise<Application | undefined> {
    return this.directory.tenant(paasid)?.store.get<Application>(K_APP, id);
  }

  async listApplications(paasid: string): Promise<Application[]> {
    return (await this.directory.tenant(paasid)?.store.list<Application>(K_APP)) ?? [];
  }

  async listGrants(paasid: string): Promise<Grant[]> {
    return (await this.directory.tenant(paasid)?.store.list<Grant>(K_GRANT)) ?? [];
  }

  /** The consumer's grant for a serviceId (hot path: one store read). */
  grant(t: DatashareTenant, serviceId: string): Promise<Grant | undefined> {
    return t.store.get<Grant>(K_GRANT, serviceId);
  }

  async usage(t: DatashareTenant, grant: Grant): Promise<number> {
    return (await t.store.add(K_USAGE, grant.id, 0)) ?? 0;
  }

  /**
   * Take one call from the grant's quota: the calls used including this one, or null when exhausted. One atomic
   * store step, so replicas on one Redis share the quota exactly.
   */
  reserveCall(t: DatashareTenant, grant: Grant): Promise<number | null> {
    return t.store.add(K_USAGE, grant.id, 1, grant.quota);
  }

  /** Give a reserved call back (the call failed before data was returned). */
  async refundCall(t: DatashareTenant, grant: Grant): Promise<void> {
    await t.store.add(K_USAGE, grant.id, -1);
  }

  /** Withdraw a consumer's grant: by the consumer itself, the resource's provider, or an admin. */
  async withdrawGrant(actor: Actor, consumerPaasid: string, serviceId: string, reason = ""): Promise<Grant> {
    const t = this.tenant(consumerPaasid);
    const g = await t.store.get<Grant>(K_GRANT, serviceId);
    if (!g)
      throw new DatashareError("notFound", {
        zh: `${consumerPaasid} 没有 ${serviceId} 的授权`,
        en: `${consumerPaasid} holds no grant for ${serviceId}`,
      });
    const entry = await this.catalogue.get(g.resourceCode);
    const self = actor.kind === "tenant" && actor.paasid === consumerPaasid;
    if (!self && !(entry && this.catalogue.isProvider(actor, entry)))
      throw new DatashareError("notProvider", {
        zh: "只有被授权方、资源提供方或管理员可以撤回授权",
        en: "only the grantee, the provider or an admin may withdraw a grant",
      });
    const next: Grant = {
      ...g,
      status: "withdrawn",
      withdrawnAt: t.clock.now(),
      withdrawnBy: actor.kind === "admin" ? "admin" : `${actor.paasid}${reason ? `: ${reason}` : ""}`,
    };
    await t.store.put(K_GRANT, serviceId, next, { index: { status: "withdrawn" } });
    return next;
  }

  /** Drop the review tickets of a tenant's applications (tenant reset; its own store is cleared by the caller). */
  async forgetConsumer(paasid: string): Promise<number> {
    const mine = await this.directory.platform.list<ReviewTicket>(K_REVIEW, { index: "consumer", value: paasid });
    for (const tk of mine) await this.directory.platform.delete(K_REVIEW, tk.applicationId);
    return mine.length;
  }
}

function checkApplyInput(entry: CatalogueEntry, input: ApplyInput): Diagnostic[] {
  const d: Diagnostic[] = [];
  const codes = entry.items.map((i) => i.code);
  if (!Array.isArray(input.fields) || input.fields.length === 0)
    d.push(
      diag(
        "/fields",
        "required",
        input.fields,
        "请列出申请的信息项 / list the fields applied for",
        `可选 / available: ${codes.join(", ")}`,
      ),
    );
  else
    input.fields.forEach((f, i) => {
      if (!codes.includes(f))
        d.push(
          diag(
            `/fields/${i}`,
            "unknown-item",
            f,
            `${f} 不是资源 ${entry.resourceCode} 的信息项 / ${f} is not an item of ${entry.resourceCode}`,
            `可选 / available: ${codes.join(", ")}`,
          ),
        );
    });
  if (typeof input.purpose !== "string" || !input.purpose.trim() || input.purpose.length > 200)
    d.push(
      diag(
        "/purpose",
        "purpose",
        input.purpose,
        "用途必填，最长200字 / purpose is required, at most 200 characters",
        "写明办理何种业务 / say which case handling needs the data",
      ),
    );
  if (typeof input.itemCode !== "string" || !/^[0-9A-Za-z-]{1,64}$/.test(input.itemCode))
    d.push(
      diag(
        "/itemCode",
        "item-code",
        input.itemCode,
        "事项编码必填 / the service item code is required",
        "如 11440100696927671X3442011817001 / e.g. 11440100696927671X3442011817001",
      ),
    );
  if (entry.share.type === "有条件共享" && (typeof input.legalBasis !== "string" || !input.legalBasis.trim()))
    d.push(
      diag(
        "/legalBasis",
        "legal-basis-required",
        input.legalBasis,
        "有条件共享资源必须说明申请依据 / a conditional resource requires a legal basis",
        `共享条件 / conditions: ${entry.share.conditions ?? ""}`,
      ),
    );
  return d;
}

function checkDecision(app: Application, dec: Decision, now: number): Diagnostic[] {
  const d: Diagnostic[] = [];
  (dec.maskedFields ?? []).forEach((f, i) => {
    if (!app.fields.includes(f))
      d.push(
        diag(
          `/maskedFields/${i}`,
          "subset",
          f,
          `${f} 不在申请的信息项中 / ${f} was not applied for`,
          `申请的 / applied for: ${app.fields.join(", ")}`,
        ),
      );
  });
  if (dec.quota !== undefined && (!Number.isSafeInteger(dec.quota) || dec.quota < 1))
    d.push(
      diag(
        "/quota",
        "positive-integer",
        dec.quota,
        "调用次数上限应为正整数 / quota must be a positive integer",
        "如 10000 / e.g. 10000",
      ),
    );
  if (dec.validUntil !== undefined && (!Number.isFinite(dec.validUntil) || dec.validUntil <= now))
    d.push(
      diag(
        "/validUntil",
        "future",
        dec.validUntil,
        "有效期应晚于当前时间 / validUntil must be in the future",
        `当前 / now: ${new Date(now).toISOString()}`,
      ),
    );
  return d;
}
