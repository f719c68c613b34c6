// Tiny stand-ins for the e-licence and data-sharing platforms (wired in parallel by other issues): a few operations
// with the shapes the readiness report reads — a §5.2 data query checked by the real audit_info rules (1001), a licence
// issuance that reports its catalogue delivery as an event, a licence sharing query with useCause, and a licence
// catalogue submission that answers with the delay (mocks/datashare/licence-catalogue.ts shape).
import { loadContracts, type MediaSpec, type Operation, type OperationTable } from "../../contracts/loader.js";
import { checkAuditFields } from "../../mocks/datashare/audit-info.js";
import { DatashareError } from "../../mocks/datashare/errors.js";
import type { PlatformModule } from "../../mocks/shared/types.js";
import type { Seed } from "../../mocks/shared/seed-types.js";
import type { GatesimConfig } from "../../gateway/config.js";
import { defaultPlatforms } from "../../gateway/platforms.js";

export const QUERY_SID = "C1700000000001";
export const ISSUE_SID = "D1597131569652";
export const SHARE_SID = "D1700000000002";

const GM = "/GatewayMsg/http/api/proxy/invoke";
const json = (schema: Record<string, unknown>): Record<string, MediaSpec> => ({ "application/json": { schema } });
const ok = { "200": { description: "ok", content: json({ type: "object" }) } };
const errs = Object.fromEntries(
  ["400", "401", "403"].map((s) => [s, { description: "error", content: json({ type: "object" }) }]),
);

function op(partial: Partial<Operation> & Pick<Operation, "operationId" | "platform" | "method" | "path">): Operation {
  return {
    document: "test",
    openapiPath: partial.path + (partial.serviceId ? `#${partial.serviceId}` : ""),
    security: ["tif"],
    summary: "",
    parameters: [],
    responses: { ...ok, ...errs },
    ...partial,
  };
}

export const FAKE_OPERATIONS: Operation[] = [
  op({
    operationId: "testDatashareQuery",
    platform: "datashare",
    method: "POST",
    path: GM,
    serviceId: QUERY_SID,
    requestBody: { required: true, content: json({ type: "object", properties: { audit_info: { type: "object" } } }) },
  }),
  op({
    operationId: "testDatashareLicenceSubmit",
    platform: "datashare",
    method: "POST",
    path: "/ebus/datashare-test/licence-records",
    requestBody: { required: true, content: json({ type: "object" }) },
  }),
  op({
    operationId: "testElicenceIssue",
    platform: "elicence",
    method: "POST",
    path: GM,
    serviceId: ISSUE_SID,
    requestBody: { required: true, content: json({ type: "object" }) },
  }),
  op({
    operationId: "testElicenceQueryByHolder",
    platform: "elicence",
    method: "POST",
    path: GM,
    serviceId: SHARE_SID,
    requestBody: {
      required: true,
      content: json({ type: "object", properties: { useCause: { type: "string", maxLength: 200 } } }),
    },
  }),
];

/** The real contracts without the e-licence/data-sharing documents' operations, plus the fakes. */
export function fakeTable(): OperationTable {
  const real = loadContracts();
  const operations = [
    ...real.operations.filter((o) => o.platform !== "datashare" && o.platform !== "elicence"),
    ...FAKE_OPERATIONS,
  ];
  return { documents: real.documents, operations, byId: new Map(operations.map((o) => [o.operationId, o])) };
}

const datashare: PlatformModule = {
  name: "datashare",
  handlers: {
    testDatashareQuery: (input, ctx) => {
      const d = checkAuditFields(input.body, { paasid: input.tenant.paasid, now: ctx.clock.now() });
      if (d.length)
        throw new DatashareError("auditInvalid", { zh: `${d.length} 处错误`, en: `${d.length} problem(s)` }, d);
      return { status: 200, body: { errcode: 0, errmsg: "成功 / OK", data: { data: [{ XM: "张三", XB: "1" }] } } };
    },
    testDatashareLicenceSubmit: (input, ctx) => {
      const b = input.body as { certificate_source_id: string; produced_at: number };
      const delaySeconds = (ctx.clock.now() - b.produced_at) / 1000;
      return {
        status: 200,
        body: {
          records: [
            {
              record: { certificate_source_id: b.certificate_source_id },
              producedAt: b.produced_at,
              arrivedAt: ctx.clock.now(),
              delaySeconds,
              late: delaySeconds > 7200,
            },
          ],
        },
      };
    },
  },
};

const elicence: PlatformModule = {
  name: "elicence",
  handlers: {
    testElicenceIssue: (input, ctx) => {
      const now = ctx.clock.now();
      const id = `1.2.156.3005.2.11100000000013338W011.11440500553696992R.${now}.001.X`;
      ctx.emit("elicence.catalogue-published", {
        record: { certificate_source_id: id },
        producedAt: now,
        arrivedAt: now + 12_000,
        delaySeconds: 12,
      });
      return {
        status: 200,
        body: { ack_code: "SUCCESS", errors: [], timestamp: "2026-01-01 08:00:00.000", data: { license_code: id } },
      };
    },
    testElicenceQueryByHolder: () => ({
      status: 200,
      body: { ack_code: "SUCCESS", errors: [], timestamp: "2026-01-01 08:00:00.000", data: [] },
    }),
  },
};

/** Every built-in platform except the two stood in for, plus the stand-ins. */
export function fakePlatforms(seed: Seed, config: Readonly<GatesimConfig>): PlatformModule[] {
  return [
    ...defaultPlatforms(seed, config).filter((p) => p.name !== "datashare" && p.name !== "elicence"),
    datashare,
    elicence,
  ];
}
