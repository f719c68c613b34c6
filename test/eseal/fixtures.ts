// Shared fixtures for the e-seal tests: a seeded service, organisations with valid USCCs, fixed instants.
import { usccCheck } from "../../mocks/shared/ids.js";
import { createSealService } from "../../mocks/eseal/index.js";
import type { OrgRef } from "../../mocks/eseal/index.js";

const uscc = (body17: string) => body17 + usccCheck(body17);

/** 龙湖区 (440507) company and a 金平区 (440511) one. */
export const ORG_A: OrgRef = { uscc: uscc("91440507MA5ABCDE1"), name: "汕头市龙湖测试科技有限公司" };
export const ORG_B: OrgRef = { uscc: uscc("91440511MA5XYW001"), name: "汕头市金平示例贸易有限公司" };

export const T0 = Date.parse("2025-03-01T08:00:00Z");
export const DAY = 86_400_000;
export const YEAR = 365 * DAY;

export function newService(seed = "eseal-test-seed") {
  return createSealService({ seed });
}

export function sealedService(seed?: string) {
  const svc = newService(seed);
  const seal = svc.makeSeal({ org: ORG_A, type: "04", validity: { start: T0, end: T0 + YEAR }, now: T0 });
  return { svc, seal };
}
