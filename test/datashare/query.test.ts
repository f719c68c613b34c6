import { describe, expect, it } from "vitest";
import { toCsv, toNdjson } from "../../mocks/datashare/audit-log.js";
import { parseCsv } from "../../mocks/datashare/csv.js";
import { CODES, ENTERPRISE, PERSON, T0, body, grantFor, sid, world } from "./helpers.js";

describe("granted fields only, masking, paging", () => {
  it("returns only the granted fields, masked where the grant says", async () => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.person, ["XM", "SFZH", "CSRQ", "LXDH"], { maskedFields: ["SFZH", "LXDH"] });
    const r = await ds.query({
      paasid: a.paasid,
      serviceId: await sid(ds, CODES.person),
      body: body(a.paasid, { SFZH: PERSON.idNumber }),
      traceId: "t-1",
    });
    expect(r.errcode).toBe(0);
    expect(r.status).toBe(200);
    const rows = r.body.data!.data;
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0])).toEqual(["XM", "SFZH", "CSRQ", "LXDH"]);
    expect(rows[0].XM).toBe(PERSON.name);
    expect(rows[0].CSRQ).toBe(PERSON.birthDate);
    expect(rows[0].SFZH).toBe(PERSON.idNumber.slice(0, 6) + "********" + PERSON.idNumber.slice(-4));
    expect(rows[0].LXDH).toBe(PERSON.phone.slice(0, 3) + "****" + PERSON.phone.slice(-4));
    expect(r.body.data!.metadata).toMatchObject({
      resource_code: CODES.person,
      total: 1,
      page: 1,
      page_size: 20,
      fields: ["XM", "SFZH", "CSRQ", "LXDH"],
      masked_fields: ["SFZH", "LXDH"],
      request_id: r.audit.id,
      quota_remaining: 9_999,
    });
  });

  it("a query asking for ungranted fields gets only the granted ones", async () => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.person, ["XM", "CSRQ"], { maskedFields: [] });
    const b = body(a.paasid, { SFZH: PERSON.idNumber });
    b.metadata = { fields: ["XM", "ZZ", "HJDZ", "SFZH"] };
    const r = await ds.query({ paasid: a.paasid, serviceId: await sid(ds, CODES.person), body: b });
    expect(r.errcode).toBe(0);
    expect(r.body.data!.data).toEqual([{ XM: PERSON.name }]);
    expect(r.body.data!.metadata.denied_fields).toEqual(["ZZ", "HJDZ", "SFZH"]);
    expect(JSON.stringify(r.body)).not.toContain(PERSON.address);
    expect(r.audit.fieldsReturned).toEqual(["XM"]);
  });

  it("pages uploaded rows and filters them by conditions", async () => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.centres, ["ZXMC", "XZQHDM"]);
    const s = await sid(ds, CODES.centres);
    const b = body(a.paasid, {});
    b.metadata = { page: 2, page_size: 3 };
    const r = await ds.query({ paasid: a.paasid, serviceId: s, body: b });
    expect(r.body.data!.metadata).toMatchObject({ total: 8, page: 2, page_size: 3 });
    expect(r.body.data!.data.map((x) => x.XZQHDM)).toEqual(["440512", "440513", "440514"]);
    const f = await ds.query({ paasid: a.paasid, serviceId: s, body: body(a.paasid, { XZQHDM: "440507" }) });
    expect(f.body.data!.data).toHaveLength(2);
  });

  it("answers each base library by its key", async () => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.entity, ["TYSHXYDM", "JGMC", "FDDBR"]);
    const r = await ds.query({
      paasid: a.paasid,
      serviceId: await sid(ds, CODES.entity),
      body: body(a.paasid, { TYSHXYDM: ENTERPRISE.uscc }, ENTERPRISE.uscc, "001"),
    });
    expect(r.body.data!.data).toEqual([
      { TYSHXYDM: ENTERPRISE.uscc, JGMC: ENTERPRISE.name, FDDBR: ENTERPRISE.legalRepresentative.name },
    ]);
    // an unknown (but well-formed) subject is an empty result, not an error
    const other = ds.libraries.seed.persons.at(10)!.idNumber.slice(0, 14) + "9999";
    await grantFor(ds, a.paasid, CODES.penalties, ["ZTDM", "CFLB"]);
    const fix = other.slice(0, 17);
    const { idCheck } = await import("../../mocks/shared/ids.js");
    const unknown = fix + idCheck(fix);
    const p = await ds.query({
      paasid: a.paasid,
      serviceId: await sid(ds, CODES.penalties),
      body: body(a.paasid, { ZTDM: unknown }, unknown),
    });
    expect(p.errcode).toBe(0);
    expect(p.body.data!.data).toEqual([]);
  });
});

type Case = [string, (b: Record<string, any>) => void, string, string];
const AUDIT_CASES: Case[] = [
  ["audit_info missing", (b) => delete b.audit_info, "/body/audit_info", "required"],
  ["audit_info not an object", (b) => (b.audit_info = "x"), "/body/audit_info", "type:object"],
  ["operator_id missing", (b) => delete b.audit_info.operator_id, "/body/audit_info/operator_id", "required"],
  ["operator_name empty", (b) => (b.audit_info.operator_name = ""), "/body/audit_info/operator_name", "required"],
  ["operator_id not a string", (b) => (b.audit_info.operator_id = 7), "/body/audit_info/operator_id", "type:string"],
  [
    "query_object_id missing",
    (b) => delete b.audit_info.query_object_id,
    "/body/audit_info/query_object_id",
    "required",
  ],
  [
    "query_object_id bad check digit",
    (b) => (b.audit_info.query_object_id = PERSON.idNumber.slice(0, 17) + (PERSON.idNumber[17] === "1" ? "2" : "1")),
    "/body/audit_info/query_object_id",
    "gb11643-id",
  ],
  [
    "query_object_id not a USCC for type 001",
    (b) => (b.audit_info.query_object_id_type = "001"),
    "/body/audit_info/query_object_id",
    "gb32100-uscc",
  ],
  [
    "query_object_id_type missing",
    (b) => delete b.audit_info.query_object_id_type,
    "/body/audit_info/query_object_id_type",
    "required",
  ],
  [
    "query_object_id_type unknown",
    (b) => (b.audit_info.query_object_id_type = "ZZ"),
    "/body/audit_info/query_object_id_type",
    "enum",
  ],
  ["item_code missing", (b) => delete b.audit_info.item_code, "/body/audit_info/item_code", "required"],
  [
    "item_code with a wrong embedded USCC",
    (b) => (b.audit_info.item_code = "11440100696927671Y3442011817001"),
    "/body/audit_info/item_code",
    "item-code-uscc",
  ],
  ["terminal_info missing", (b) => delete b.audit_info.terminal_info, "/body/audit_info/terminal_info", "required"],
  ["terminal_info not an IP", (b) => (b.audit_info.terminal_info = "PC-01"), "/body/audit_info/terminal_info", "ip"],
  [
    "audit query_timestamp missing",
    (b) => delete b.audit_info.query_timestamp,
    "/body/audit_info/query_timestamp",
    "required",
  ],
  [
    "audit query_timestamp malformed",
    (b) => (b.audit_info.query_timestamp = "2025-13-01 10:00:00"),
    "/body/audit_info/query_timestamp",
    "timestamp",
  ],
  ["system_id differs from paasid", (b) => (b.system_id = "someone-else"), "/body/system_id", "equals-paasid"],
  ["department_id invalid", (b) => (b.department_id = "91440500MA4W00000X"), "/body/department_id", "gb32100-uscc"],
  ["vender_id missing", (b) => delete b.vender_id, "/body/vender_id", "required"],
  ["UID missing", (b) => delete b.UID, "/body/UID", "required"],
  ["query_timestamp malformed", (b) => (b.query_timestamp = "yesterday"), "/body/query_timestamp", "timestamp"],
];

describe("1001: missing or malformed audit fields", () => {
  it.each(AUDIT_CASES)("%s", async (_name, mutate, location, rule) => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.person, ["XM"]);
    const b = body(a.paasid, { SFZH: PERSON.idNumber });
    mutate(b);
    const r = await ds.query({ paasid: a.paasid, serviceId: await sid(ds, CODES.person), body: b });
    expect(r.errcode).toBe(1001);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ errcode: 1001, data: null });
    expect(r.body.errmsg).toMatch(/审计信息缺失或无效.* \/ audit_info missing or invalid/);
    expect(r.problem!.diagnostics).toHaveLength(1);
    const d = r.problem!.diagnostics![0];
    expect(d).toMatchObject({ location, rule });
    expect(d.message).toMatch(/ \/ /);
    expect(d.hint.length).toBeGreaterThan(0);
    // a refused call uses no quota and is audited
    expect(r.audit.errcode).toBe(1001);
  });

  it("reports all problems at once", async () => {
    const { ds, a } = world();
    const b = body(a.paasid, { SFZH: PERSON.idNumber });
    b.audit_info = { operator_id: "x" };
    const r = await ds.query({ paasid: a.paasid, serviceId: await sid(ds, CODES.person), body: b });
    expect(r.problem!.diagnostics!.map((d) => d.location.split("/").pop())).toEqual([
      "operator_name",
      "query_object_id_type",
      "query_object_id",
      "item_code",
      "terminal_info",
      "query_timestamp",
    ]);
  });

  it("accepts the other timestamp shapes and an implementation-free item code", async () => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.person, ["XM"]);
    for (const ts of ["1736128800", "1736128800000", "2025-01-06T10:00:00+08:00", "20250106100000"]) {
      const b = body(a.paasid, { SFZH: PERSON.idNumber });
      b.query_timestamp = ts;
      b.audit_info.query_timestamp = ts;
      b.audit_info.item_code = "440500-QT-0001";
      delete b.audit_info.item_id;
      delete b.audit_info.item_sequence;
      const r = await ds.query({ paasid: a.paasid, serviceId: await sid(ds, CODES.person), body: b });
      expect(r.errcode, ts).toBe(0);
    }
  });
});

describe("1002: query conditions against the catalogue items", () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown> | undefined, string, string][] = [
    ["unknown field", { SFZH: PERSON.idNumber, XINGMING: "x" }, undefined, "/body/query/XINGMING", "unknown-item"],
    ["key item missing", { XM: PERSON.name }, undefined, "/body/query/SFZH", "required"],
    ["wrong type", { SFZH: 440507199001011200 }, undefined, "/body/query/SFZH", "type:C"],
    ["bad ID number", { SFZH: "440507199013011234" }, undefined, "/body/query/SFZH", "format:gb11643-id"],
    ["bad date", { SFZH: PERSON.idNumber, CSRQ: "1990-02-30" }, undefined, "/body/query/CSRQ", "type:D"],
    ["too long", { SFZH: PERSON.idNumber, XM: "张".repeat(26) }, undefined, "/body/query/XM", "length"],
    ["bad page size", { SFZH: PERSON.idNumber }, { page_size: 1000 }, "/body/metadata/page_size", "page-size"],
    [
      "unknown requested field",
      { SFZH: PERSON.idNumber },
      { fields: ["XM", "ABC"] },
      "/body/metadata/fields/1",
      "unknown-item",
    ],
  ];
  it.each(cases)("%s", async (_n, query, metadata, location, rule) => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.person, ["XM"]);
    const b = body(a.paasid, query);
    if (metadata) b.metadata = metadata;
    const r = await ds.query({ paasid: a.paasid, serviceId: await sid(ds, CODES.person), body: b });
    expect(r.errcode).toBe(1002);
    expect(r.problem!.diagnostics).toEqual([expect.objectContaining({ location, rule })]);
  });
});

describe("grant enforcement by the virtual clock", () => {
  it("1003 without a grant", async () => {
    const { ds, a } = world();
    const r = await ds.query({
      paasid: a.paasid,
      serviceId: await sid(ds, CODES.person),
      body: body(a.paasid, { SFZH: PERSON.idNumber }),
    });
    expect(r).toMatchObject({ errcode: 1003, status: 403 });
    expect(r.audit.reason).toBe("no-grant");
  });

  it("quota: the last allowed call succeeds, the next gets 1004; refused calls use none", async () => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.person, ["XM"], { quota: 3 });
    const s = await sid(ds, CODES.person);
    const ok = body(a.paasid, { SFZH: PERSON.idNumber });
    const bad = body(a.paasid, { SFZH: "x" });
    const codes: number[] = [];
    for (const b of [ok, bad, ok, bad, ok, ok])
      codes.push((await ds.query({ paasid: a.paasid, serviceId: s, body: b })).errcode);
    expect(codes).toEqual([0, 1002, 0, 1002, 0, 1004]);
  });

  it("quota holds under concurrent calls", async () => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.person, ["XM"], { quota: 5 });
    const s = await sid(ds, CODES.person);
    const rs = await Promise.all(
      Array.from({ length: 12 }, () =>
        ds.query({ paasid: a.paasid, serviceId: s, body: body(a.paasid, { SFZH: PERSON.idNumber }) }),
      ),
    );
    expect(rs.filter((r) => r.errcode === 0)).toHaveLength(5);
    expect(rs.filter((r) => r.errcode === 1004)).toHaveLength(7);
    // each call's entry is written with its quota step; those that found the quota used up are the refusal, under
    // their own number, in the log as in the answer
    const logged = await ds.audit.forConsumer(a.paasid, { serviceId: s });
    expect(logged).toHaveLength(12);
    expect(new Set(logged.map((e) => e.id)).size).toBe(12);
    for (const r of rs) {
      const e = logged.find((x) => x.id === r.audit.id)!;
      expect(e).toMatchObject({ errcode: r.errcode, rowCount: r.errcode === 0 ? 1 : 0 });
      if (r.errcode === 1004) expect(e).toMatchObject({ reason: "quota-exhausted", fieldsReturned: [] });
    }
  });

  it("expiry: valid at validUntil exactly, 1003 grant-expired one millisecond later", async () => {
    const { ds, a } = world();
    const g = await grantFor(ds, a.paasid, CODES.person, ["XM"], { validUntil: T0 + 86_400_000 });
    const s = await sid(ds, CODES.person);
    a.clock.set(g.validUntil);
    expect(
      (await ds.query({ paasid: a.paasid, serviceId: s, body: body(a.paasid, { SFZH: PERSON.idNumber }) })).errcode,
    ).toBe(0);
    a.clock.advance(1);
    const r = await ds.query({ paasid: a.paasid, serviceId: s, body: body(a.paasid, { SFZH: PERSON.idNumber }) });
    expect(r.errcode).toBe(1003);
    expect(r.audit.reason).toBe("grant-expired");
    expect(r.body.errmsg).toContain("过期");
    expect(r.problem!.diagnostics![0].rule).toBe("grant-expired");
  });

  it("default validity follows the consumer's own clock", async () => {
    const { ds, a, b } = world();
    await grantFor(ds, a.paasid, CODES.entity, ["JGMC"]);
    await grantFor(ds, b.paasid, CODES.entity, ["JGMC"]);
    a.clock.advance(366 * 86_400_000);
    const s = await sid(ds, CODES.entity);
    const q = (p: string) =>
      ds.query({ paasid: p, serviceId: s, body: body(p, { TYSHXYDM: ENTERPRISE.uscc }, ENTERPRISE.uscc, "001") });
    expect((await q(a.paasid)).errcode).toBe(1003);
    expect((await q(b.paasid)).errcode).toBe(0);
  });

  it("1005 for a withdrawn resource, even with a grant", async () => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.entity, ["JGMC"]);
    await ds.withdraw({ kind: "admin" }, CODES.entity, "数据源调整");
    const r = await ds.query({
      paasid: a.paasid,
      serviceId: await sid(ds, CODES.entity),
      body: body(a.paasid, { TYSHXYDM: ENTERPRISE.uscc }, ENTERPRISE.uscc, "001"),
    });
    expect(r).toMatchObject({ errcode: 1005, status: 410 });
    expect(r.body.errmsg).toContain("数据源调整");
  });
});

describe("audit log", () => {
  it("records every call with who, whose data, item, purpose, fields, rows and result; exports NDJSON and CSV", async () => {
    const { ds, a, b, police } = world();
    await grantFor(ds, a.paasid, CODES.person, ["XM", "CSRQ"]);
    const s = await sid(ds, CODES.person);
    const good = body(a.paasid, { SFZH: PERSON.idNumber });
    const calls = [
      { paasid: a.paasid, body: good },
      { paasid: a.paasid, body: { ...good, audit_info: undefined } },
      { paasid: a.paasid, body: body(a.paasid, { SFZH: 1 }) },
      { paasid: b.paasid, body: body(b.paasid, { SFZH: PERSON.idNumber }) },
    ];
    for (const c of calls) await ds.query({ paasid: c.paasid, serviceId: s, body: c.body, traceId: "tr" });
    const mine = await ds.audit.forConsumer(a.paasid);
    expect(mine.map((e) => e.errcode)).toEqual([0, 1001, 1002]);
    expect(mine[0]).toMatchObject({
      time: T0,
      consumerPaasid: a.paasid,
      provider: "汕头市公安局",
      serviceId: s,
      resourceCode: CODES.person,
      purpose: "办理业务核验",
      itemCode: "11440100696927671X3442011817001",
      fieldsReturned: ["XM", "CSRQ"],
      rowCount: 1,
      traceId: "tr",
    });
    expect(mine[0].requestHash).toMatch(/^[0-9a-f]{64}$/);
    expect(mine[0].requestHash).not.toBe(mine[2].requestHash);
    expect((mine[0].auditInfo as Record<string, unknown>).query_object_id).toBe(PERSON.idNumber);
    // the provider sees everyone who read its data; another tenant sees none of it
    const theirs = await ds.audit.forProvider({ kind: "tenant", paasid: police.paasid });
    expect(theirs.map((e) => e.consumerPaasid)).toEqual([a.paasid, a.paasid, a.paasid, b.paasid]);
    expect(await ds.audit.forProvider({ kind: "tenant", paasid: b.paasid })).toEqual([]);

    const nd = toNdjson(mine)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(nd.map((e) => e.seq)).toEqual(mine.map((e) => e.seq));
    const csv = parseCsv(toCsv(mine)).rows;
    expect(csv).toHaveLength(4);
    const head = csv[0];
    expect(csv[1][head.indexOf("fields_returned")]).toBe("XM|CSRQ");
    expect(csv[1][head.indexOf("operator_name")]).toBe("陈晓华");
    expect(csv[2][head.indexOf("errcode")]).toBe("1001");
  });
  it("reads back each entry exactly as append returned it", async () => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.person, ["XM", "CSRQ"]);
    const s = await sid(ds, CODES.person);
    const outcomes = [];
    for (const q of [{ SFZH: PERSON.idNumber }, { SFZH: "not-an-id" }])
      outcomes.push(await ds.query({ paasid: a.paasid, serviceId: s, body: body(a.paasid, q), traceId: "rt" }));
    const read = await ds.audit.forConsumer(a.paasid);
    expect(read).toEqual(outcomes.map((o) => o.audit));
    // exports list the fields in one order whatever order the entry was built in
    expect(Object.keys(read[1])).toEqual([
      "seq",
      "id",
      "time",
      "consumerPaasid",
      "provider",
      "providerCode",
      "serviceId",
      "resourceCode",
      "resourceName",
      "auditInfo",
      "purpose",
      "itemCode",
      "fieldsReturned",
      "rowCount",
      "errcode",
      "reason",
      "requestHash",
      "latencyMs",
      "traceId",
    ]);
  });

  it("thousands of entries of varying size (past the storage chunks' edges) read back intact", async () => {
    const { ds, a } = world();
    const made = [];
    for (let i = 0; i < 1_500; i++)
      made.push(
        await ds.audit.append({
          time: T0 + i,
          consumerPaasid: a.paasid,
          provider: "汕头市公安局",
          providerCode: "P",
          serviceId: "C1",
          resourceCode: "r",
          resourceName: "人口".repeat(i % 50),
          auditInfo: { operator_name: "陈".repeat(i % 300), n: i },
          fieldsReturned: ["XM"],
          rowCount: 1,
          errcode: 0,
          requestHash: "h".repeat(64),
          latencyMs: i / 7,
        }),
      );
    const read = await ds.audit.forConsumer(a.paasid);
    expect(read).toHaveLength(1_500);
    expect(read).toEqual(made);
  });

  it("a huge audit_info is refused and audited cut to its first 1,024 characters; the log stays readable", async () => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.person, ["XM"]);
    const s = await sid(ds, CODES.person);
    const b = body(a.paasid, { SFZH: PERSON.idNumber });
    b.audit_info = { ...(b.audit_info as object), operator_name: "陈".repeat(200_000) };
    const r = await ds.query({ paasid: a.paasid, serviceId: s, body: b });
    expect(r.errcode).toBe(1001);
    await ds.query({ paasid: a.paasid, serviceId: s, body: body(a.paasid, { SFZH: PERSON.idNumber }) });
    const [big, ok] = await ds.audit.forConsumer(a.paasid);
    expect(big.errcode).toBe(1001);
    const cut = big.auditInfo as { _truncated: boolean; chars: number; head: string };
    expect(cut._truncated).toBe(true);
    expect(cut.chars).toBeGreaterThan(200_000);
    expect(cut.head).toHaveLength(1024);
    expect(cut.head.startsWith("{")).toBe(true);
    expect(JSON.stringify(big).length).toBeLessThan(4096);
    expect(ok.errcode).toBe(0);
    expect((ok.auditInfo as Record<string, unknown>).operator_name).toBe("陈晓华");
  });

  it("an in-process caller's audit_info that JSON cannot express is audited as such, not thrown", async () => {
    const { ds, a } = world();
    await grantFor(ds, a.paasid, CODES.person, ["XM"]);
    const b = body(a.paasid, { SFZH: PERSON.idNumber });
    b.audit_info = { ...(b.audit_info as object), operator_id: 7n };
    const r = await ds.query({ paasid: a.paasid, serviceId: await sid(ds, CODES.person), body: b });
    expect(r.errcode).toBe(1001);
    const [e] = await ds.audit.forConsumer(a.paasid);
    expect(e.auditInfo).toEqual({ _unserialisable: true, type: "object" });
  });
});
