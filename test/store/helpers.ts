// Shared by the store tests (restart, replicas): a call as a tenant or with given headers, and the bodies they send.
import { auditedBody } from "../datashare/audited-body.js";
import { makeSim, tif } from "../helpers.js";

export type Sim = Awaited<ReturnType<typeof makeSim>>;
export const A = "C90-44050001";
export const B = "C90-44050002";
export const DRIVING = "11100000GT0000088Y001";
export const ENTITY_SID = "C1547427908823"; // 市场主体登记信息, 无条件共享: approved at once

/** A call signed as tenant `as` (default A), or with `headers`; the JSON answer parsed when there is one. */
export async function call(
  sim: Sim,
  method: string,
  url: string,
  o: { as?: string; headers?: Record<string, string>; body?: unknown } = {},
) {
  const res = await sim.app.inject({
    method: method as "GET",
    url,
    headers: {
      ...(o.headers ?? tif(sim.tenant(o.as ?? A))),
      ...(o.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    payload: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  let json: any;
  try {
    json = res.json();
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json, text: res.body, headers: res.headers };
}

/** A 机动车驾驶证 issuance body (D1597131569652) for a holder: the e-licence tests' own. */
export { drivingLicenceBody as drivingLicence } from "../elicence-http/helpers.js";

/** A tenant's signed GatewayMsg query of `serviceId` for a seeded enterprise, by its USCC (TYSHXYDM). */
export function usccQuery(
  sim: Sim,
  serviceId: string,
  o: { as?: string; enterprise?: number; headers?: Record<string, string> } = {},
) {
  const as = o.as ?? A;
  const uscc = sim.runtime.seed.enterprises.at(o.enterprise ?? 7)!.uscc;
  const body = auditedBody({
    paasid: as,
    query: { TYSHXYDM: uscc },
    vender: uscc,
    department: sim.tenant(as).tenant.orgCode!,
    objectId: uscc,
    objectIdType: "001",
  });
  return call(sim, "POST", "/GatewayMsg/http/api/proxy/invoke", {
    headers: o.headers ?? tif(sim.tenant(as), { serviceId }),
    body,
  });
}

/** Tenant A applies for the market-entity service (unconditional sharing: approved at once, with its grant). */
export function applyForEntity(sim: Sim) {
  return call(sim, "POST", "/ebus/datashare/v1/applications", {
    body: {
      serviceId: ENTITY_SID,
      fields: ["TYSHXYDM", "JGMC"],
      purpose: "核验市场主体登记信息",
      legalBasis: "《市场主体登记管理条例》",
      itemCode: "11440100696927671X3442011817001",
    },
  });
}

/** Tenant A's signed query of the market-entity service for a seeded enterprise (A holds the grant). */
export function entityQuery(sim: Sim) {
  return usccQuery(sim, ENTITY_SID);
}
