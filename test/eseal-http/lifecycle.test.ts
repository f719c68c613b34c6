// Seal lifecycle over HTTP: 制章, listings, picture, status, suspend / resume / revoke, expiry on the tenant's virtual
// clock, ownership (apps and logged-in operators), per-tenant state (isolation, reset) and seeded seals.
import { beforeEach, describe, expect, it } from "vitest";
import { admin } from "../helpers.js";
import { esealSim, enterpriseWithOperators, userToken, A, B, T0, DAY, type EsealSim } from "./helpers.js";
import { parseSeal } from "../../mocks/eseal/ses-parse.js";
import { sm3 } from "../../mocks/eseal/sm3.js";

let sim: EsealSim;
beforeEach(async () => {
  sim = await esealSim();
});

const digest = sm3(Buffer.from("案件办理结果")).toString("hex");
const apply = (body: Record<string, unknown>, as?: { paasid?: string; user?: string }) =>
  sim.call("POST", "/ebus/eseal/v1/seals", body, as);
const sign = (sealCode: string, as?: { paasid?: string; user?: string }) =>
  sim.call("POST", "/ebus/eseal/v1/signatures", { sealCode, digest }, as);
const verify = (signature: string, as?: { paasid?: string }) =>
  sim.call("POST", "/ebus/eseal/v1/verifications", { signature, digest }, as);
const act = (
  sealCode: string,
  what: "suspend" | "resume" | "revoke",
  body?: unknown,
  as?: { paasid?: string; user?: string },
) => sim.call("POST", `/ebus/eseal/v1/seals/${sealCode}/${what}`, body, as);

describe("制章 and reading seals", () => {
  it("applies for a contract seal: 201, 13-digit code, a v4 SESeal with the SVG picture, the org's certificate", async () => {
    const org = sim.orgOf(A);
    const res = await apply({ orgUscc: org, type: "04", validTo: new Date(T0 + 365 * DAY).toISOString() });
    expect(res.status).toBe(201);
    const seal = res.json.data;
    expect(res.res.headers.location).toBe(`/ebus/eseal/v1/seals/${seal.sealCode}`);
    expect(seal).toMatchObject({
      orgUscc: org,
      typeCode: "04",
      typeName: "合同专用章",
      status: "active",
      effectiveStatus: "active",
      validStart: new Date(T0).toISOString(),
      format: "GB/T 38540-2020 SESeal v4",
    });
    expect(seal.sealCode).toMatch(new RegExp(`^${org.slice(2, 8)}0000001$`));
    expect(seal.name).toBe(seal.orgName + "合同专用章");
    const parsed = parseSeal(Buffer.from(seal.sealDer, "base64"));
    expect(parsed).toMatchObject({
      version: 4,
      esID: seal.sealCode,
      type: 4,
      name: seal.name,
      header: { id: "ES", version: 4 },
    });
    expect(parsed.picture).toMatchObject({ type: "SVG", widthMm: 42, heightMm: 42 });
    expect(parsed.picture.data.toString("utf8")).toBe(seal.picture.svg);
    const cert = await sim.call("GET", `/ebus/eseal/v1/pki/orgs/${org}?format=der`);
    expect(cert.status).toBe(200);
    expect(cert.res.headers["content-type"]).toContain("application/pkix-cert");
    expect(parsed.certs[0].equals(cert.res.rawPayload)).toBe(true);
  });

  it("lists an organisation's seals (its seeded 法定名称章 first), gets one, serves its SVG and its status", async () => {
    const org = sim.orgOf(A);
    await apply({ orgUscc: org, type: "02" });
    const list = await sim.call("GET", `/ebus/eseal/v1/seals?orgUscc=${org}`);
    expect(list.status).toBe(200);
    expect(list.json.data).toMatchObject({ orgUscc: org, total: 2 });
    const [seeded, finance] = list.json.data.seals;
    expect(seeded).toMatchObject({
      typeCode: "01",
      name: list.json.data.orgName,
      createdAt: "2024-01-01T00:00:00.000Z",
    });
    expect(seeded.sealCode).toMatch(/^\d{6}9\d{6}$/);
    expect(finance.typeCode).toBe("02");
    expect(seeded.sealDer).toBeUndefined(); // summaries; the full record is one GET away
    const filtered = await sim.call("GET", `/ebus/eseal/v1/seals?orgUscc=${org}&type=02`);
    expect(filtered.json.data.seals.map((s: { typeCode: string }) => s.typeCode)).toEqual(["02"]);

    const pic = await sim.call("GET", `/ebus/eseal/v1/seals/${seeded.sealCode}/picture`);
    expect(pic.status).toBe(200);
    expect(pic.res.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(pic.res.body).toMatch(/<svg [^>]*width="42mm"/);
    const st = await sim.call("GET", `/ebus/eseal/v1/seals/${seeded.sealCode}/status`);
    expect(st.json.data).toMatchObject({
      sealCode: seeded.sealCode,
      status: "active",
      effectiveStatus: "active",
      checkedAt: new Date(T0).toISOString(),
    });
  });

  it("seeded seals are the same bytes in every tenant, whatever order they are first used in", async () => {
    const e1 = sim.orgOf(A),
      e2 = sim.orgOf(B);
    const a1 = (await sim.call("GET", `/ebus/eseal/v1/seals?orgUscc=${e1}`, undefined, { paasid: A })).json.data
      .seals[0];
    const a2 = (await sim.call("GET", `/ebus/eseal/v1/seals?orgUscc=${e2}`, undefined, { paasid: A })).json.data
      .seals[0];
    const b2 = (await sim.call("GET", `/ebus/eseal/v1/seals?orgUscc=${e2}`, undefined, { paasid: B })).json.data
      .seals[0];
    const b1 = (await sim.call("GET", `/ebus/eseal/v1/seals?orgUscc=${e1}`, undefined, { paasid: B })).json.data
      .seals[0];
    const full = async (code: string, paasid: string) =>
      (await sim.call("GET", `/ebus/eseal/v1/seals/${code}`, undefined, { paasid })).json.data.sealDer;
    expect(b1.sealCode).toBe(a1.sealCode);
    expect(b2.sealCode).toBe(a2.sealCode);
    expect(await full(a1.sealCode, B)).toBe(await full(a1.sealCode, A));
    // a seeded seal can be fetched by its code before anyone listed it
    const fresh = await esealSim();
    expect((await fresh.call("GET", `/ebus/eseal/v1/seals/${a2.sealCode}`)).json.data.sealDer).toBe(
      await full(a2.sealCode, A),
    );
  });

  it("refuses bad applications with the e-seal errcodes", async () => {
    const org = sim.orgOf(A);
    expect((await apply({ orgUscc: org, type: "42" })).json).toMatchObject({ errcode: 40023 });
    expect(
      (await apply({ orgUscc: org, type: "04", validFrom: "2026-05-01T00:00:00Z", validTo: "2026-04-01T00:00:00Z" }))
        .json,
    ).toMatchObject({ errcode: 40024 });
    expect((await apply({ orgUscc: org, type: "04", orgName: "别的名称有限公司" })).json).toMatchObject({
      errcode: 40022,
      _diagnostics: [{ location: "/body/orgName" }],
    });
    const bad = await apply({ orgUscc: "91440507MA5ABCDE12", type: "04" });
    expect(bad.status).toBe(400);
    expect(bad.json._diagnostics[0].location).toBe("/body/orgUscc");
  });

  it("404 for an unknown seal code", async () => {
    const res = await sim.call("GET", "/ebus/eseal/v1/seals/4405070009999");
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ errcode: 40420, data: null });
  });
});

describe("ownership", () => {
  it("another tenant's app may not sign, suspend or revoke — the refusal names the owner", async () => {
    const seal = (await sim.call("GET", "/ebus/eseal/v1/seals")).json.data.seals[0];
    for (const res of [
      await sign(seal.sealCode, { paasid: B }),
      await act(seal.sealCode, "suspend", undefined, { paasid: B }),
      await act(seal.sealCode, "revoke", undefined, { paasid: B }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.json.errcode).toBe(40320);
      expect(res.json._diagnostics[0].message).toContain(seal.orgName);
      expect(res.json._diagnostics[0].message).toContain(seal.orgUscc);
      expect(res.json._diagnostics[0].message).toContain(B);
    }
    expect((await apply({ orgUscc: seal.orgUscc, type: "04" }, { paasid: B })).json.errcode).toBe(40320);
    expect((await sign(seal.sealCode)).status).toBe(200);
  });

  it("an operator of the legal person signs with a bearer token; a user who is not its operator is refused", async () => {
    const e = enterpriseWithOperators(sim.seed);
    const other = enterpriseWithOperators(sim.seed, [e.uscc]);
    const seal = (await sim.call("GET", `/ebus/eseal/v1/seals?orgUscc=${e.uscc}`)).json.data.seals[0];
    const operator = userToken(A, `${e.operatorIds[0]}@${e.id}`);
    const ok = await sign(seal.sealCode, { user: operator });
    expect(ok.status).toBe(200);
    expect((await verify(ok.json.data.signature)).json.data.result).toBe("PASSED");
    // a bare person id listed among the enterprise's operatorIds counts too
    expect((await sign(seal.sealCode, { user: userToken(A, e.operatorIds[0]) })).status).toBe(200);
    // the operator's own organisation is the default listing
    expect((await sim.call("GET", "/ebus/eseal/v1/seals", undefined, { user: operator })).json.data.orgUscc).toBe(
      e.uscc,
    );

    const stranger = userToken(A, `${other.operatorIds[0]}@${other.id}`);
    const refused = await sign(seal.sealCode, { user: stranger });
    expect(refused.status).toBe(403);
    expect(refused.json.errcode).toBe(40320);
    expect(refused.json._diagnostics[0]).toMatchObject({ location: "/headers/authorization", rule: "eseal.owner" });
    expect(refused.json._diagnostics[0].message).toContain(e.name);
    expect(refused.json._diagnostics[0].message).toContain(other.name);
    expect((await act(seal.sealCode, "revoke", undefined, { user: stranger })).status).toBe(403);
    // verification is open to any authenticated caller
    expect((await verify(ok.json.data.signature)).status).toBe(200);
    expect(
      (
        await sim.call(
          "POST",
          "/ebus/eseal/v1/verifications",
          { signature: ok.json.data.signature, digest },
          { user: stranger },
        )
      ).json.data.result,
    ).toBe("PASSED");
  });
});

describe("suspend, resume, revoke and expiry", () => {
  it("a suspended seal cannot sign (40921) until resumed; signatures made before verify INDETERMINATE while it is suspended", async () => {
    const seal = (await sim.call("GET", "/ebus/eseal/v1/seals")).json.data.seals[0];
    const before = (await sign(seal.sealCode)).json.data.signature;
    sim.tenant(A).clock.advance(3_600_000);
    const s = await act(seal.sealCode, "suspend");
    expect(s.json.data).toMatchObject({ status: "suspended", effectiveStatus: "suspended" });
    const refused = await sign(seal.sealCode);
    expect(refused.status).toBe(409);
    expect(refused.json.errcode).toBe(40921);
    expect((await verify(before)).json.data).toMatchObject({
      result: "INDETERMINATE",
      subIndication: "SEAL_SUSPENDED",
    });
    expect((await act(seal.sealCode, "resume")).json.data.status).toBe("active");
    expect((await sign(seal.sealCode)).status).toBe(200);
    expect((await verify(before)).json.data.result).toBe("PASSED");
  });

  it("revocation is final: later signing is refused (40920), earlier signatures turn INDETERMINATE, the reason is kept", async () => {
    const seal = (await sim.call("GET", "/ebus/eseal/v1/seals")).json.data.seals[0];
    const before = (await sign(seal.sealCode)).json.data.signature;
    sim.tenant(A).clock.advance(60_000);
    const r = await act(seal.sealCode, "revoke", { reason: "印章遗失 / seal lost" });
    expect(r.json.data).toMatchObject({ status: "revoked", revocationReason: "印章遗失 / seal lost" });
    expect((await sign(seal.sealCode)).json).toMatchObject({ errcode: 40920 });
    expect((await verify(before)).json.data).toMatchObject({
      result: "INDETERMINATE",
      subIndication: "SEAL_REVOKED_AFTER_SIGNING",
    });
    const again = await act(seal.sealCode, "resume");
    expect(again.status).toBe(409);
    expect(again.json.errcode).toBe(40924);
  });

  it("a seal past its validity end cannot sign (40922) — by the tenant's virtual clock, changed via the admin API", async () => {
    const res = await apply({ orgUscc: sim.orgOf(A), type: "04", validTo: new Date(T0 + 30 * DAY).toISOString() });
    const code = res.json.data.sealCode;
    const early = (await sign(code)).json.data.signature;
    const moved = await sim.app.inject({
      method: "POST",
      url: `/_gatesim/tenants/${A}/clock`,
      headers: admin,
      payload: { action: "advance", ms: 31 * DAY },
    });
    expect(moved.statusCode).toBe(200);
    const st = await sim.call("GET", `/ebus/eseal/v1/seals/${code}/status`);
    expect(st.json.data).toMatchObject({ status: "active", effectiveStatus: "expired" });
    expect(
      (await sim.call("GET", `/ebus/eseal/v1/seals?status=expired`)).json.data.seals.map(
        (s: { sealCode: string }) => s.sealCode,
      ),
    ).toEqual([code]);
    const refused = await sign(code);
    expect(refused.status).toBe(409);
    expect(refused.json.errcode).toBe(40922);
    // signed while valid: still PASSED (validity is judged at the signing time)
    expect((await verify(early)).json.data.result).toBe("PASSED");
  });
});

describe("per-tenant state", () => {
  it("a seal revoked by tenant A is not revoked for tenant B", async () => {
    const org = sim.orgOf(A);
    const seal = (await sim.call("GET", `/ebus/eseal/v1/seals?orgUscc=${org}`)).json.data.seals[0];
    await act(seal.sealCode, "revoke");
    expect(
      (await sim.call("GET", `/ebus/eseal/v1/seals/${seal.sealCode}/status`, undefined, { paasid: A })).json.data
        .status,
    ).toBe("revoked");
    expect(
      (await sim.call("GET", `/ebus/eseal/v1/seals/${seal.sealCode}/status`, undefined, { paasid: B })).json.data
        .status,
    ).toBe("active");
    // tenant B, acting for the same organisation, can still sign with it
    await sim.app.inject({
      method: "POST",
      url: "/_gatesim/tenants",
      headers: admin,
      payload: { paasid: "twin-app", name: "同单位第二应用", orgCode: org },
    });
    sim.tenant("twin-app").clock.freeze(T0);
    const s = await sign(seal.sealCode, { paasid: "twin-app" });
    expect(s.status).toBe(200);
    expect((await verify(s.json.data.signature, { paasid: "twin-app" })).json.data.result).toBe("PASSED");
    expect((await verify(s.json.data.signature, { paasid: A })).json.data).toMatchObject({
      result: "FAILED",
      subIndication: "SEAL_REVOKED",
    });
  });

  it("a tenant reset clears its seals and statuses", async () => {
    const org = sim.orgOf(A);
    const applied = (await apply({ orgUscc: org, type: "04" })).json.data.sealCode;
    const seeded = (await sim.call("GET", "/ebus/eseal/v1/seals")).json.data.seals[0].sealCode;
    await act(seeded, "revoke");
    const reset = await sim.app.inject({ method: "POST", url: `/_gatesim/tenants/${A}/reset`, headers: admin });
    expect(reset.statusCode).toBeLessThan(300);
    sim.tenant(A).clock.freeze(T0);
    expect((await sim.call("GET", `/ebus/eseal/v1/seals/${applied}`)).status).toBe(404);
    expect((await sim.call("GET", `/ebus/eseal/v1/seals/${seeded}/status`)).json.data.status).toBe("active");
    // a seal code is never handed out twice, not even after a reset (codes are unique platform-wide, facts §8.3)
    const again = (await apply({ orgUscc: org, type: "04" })).json.data.sealCode;
    expect(again).not.toBe(applied);
    expect(again.slice(0, 6)).toBe(applied.slice(0, 6));
  });
});
