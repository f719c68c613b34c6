const { createSeed } = await import("./dist/mocks/shared/seed/index.js");
const { Clock } = await import("./dist/mocks/shared/clock.js");
const { MemoryStore } = await import("./dist/mocks/shared/store.js");
const { createDatashare } = await import("./dist/mocks/datashare/datashare.js");
const seed = createSeed("bench");
const clock = new Clock();
const tenants = new Map();
const directory = { platform: new MemoryStore(clock), clock, tenant: (p) => tenants.get(p) };
const consumer = { paasid: "C90-44000001", store: new MemoryStore(clock), clock };
tenants.set(consumer.paasid, consumer);
const ds = createDatashare({ seed, directory, config: { auditCap: 1_000_000 } });
const { application } = await ds.applications.apply(consumer.paasid, { resourceCode: "101001/000001", fields: ["XM", "SFZH", "XB", "CSRQ", "ZZ"], purpose: "b", legalBasis: "b", itemCode: "11440100696927671X3442011817001" });
await ds.applications.approve({ kind: "admin" }, application.id, { quota: 1e9 });
const entry = await ds.catalogue.require({ resourceCode: "101001/000001" });
const ids = Array.from({ length: 2048 }, (_, k) => seed.persons.at((k * 7919) % seed.persons.size).idNumber);
const dept = seed.enterprises.at(0).uscc;
const mk = (id) => JSON.parse(JSON.stringify({ system_id: consumer.paasid, vender_id: dept, department_id: dept, query_timestamp: "20250106100000", UID: "u1", query: { SFZH: id }, audit_info: { operator_id: "op", operator_name: "陈晓华", query_object_id: id, query_object_id_type: "01", item_code: "11440100696927671X3442011817001", terminal_info: "10.1.2.3", query_timestamp: "20250106100000" } }));
const N = 100000;
for (let i = 0; i < 2000; i++) await ds.query({ paasid: consumer.paasid, serviceId: entry.serviceId, body: mk(ids[i % 2048]), rawBody: Buffer.from(JSON.stringify(mk(ids[i%2048]))) , traceId: "t-" + i});
global.gc(); const h0 = process.memoryUsage().heapUsed;
for (let i = 0; i < N; i++) { const raw = Buffer.from(JSON.stringify(mk(ids[i % 2048]))); await ds.query({ paasid: consumer.paasid, serviceId: entry.serviceId, body: JSON.parse(raw), rawBody: raw, traceId: "abc123-" + i.toString(36) }); }

global.gc(); const h1 = process.memoryUsage().heapUsed;
console.log(`bytes per audited call: ${((h1 - h0) / N).toFixed(0)}`);
console.log("after", (await ds.audit.forConsumer(consumer.paasid)).length, process.memoryUsage());
global.gc(); console.log(process.memoryUsage().heapUsed - h0);
