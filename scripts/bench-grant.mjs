// Benchmark set-up shared by the data-sharing benches and the soak: the consumer applies for the population library
// (有条件共享, so an administrator approves it) and gets a grant with a quota no bench exhausts.
export const POPULATION = "101001/000001";
export const POPULATION_FIELDS = ["XM", "SFZH", "XB", "CSRQ", "ZZ"];

/** Apply + approve through the data-sharing domain; returns the catalogue entry and the grant. */
export async function grantPopulation(ds, paasid, purpose = "基准测试 / benchmark") {
  const entry = await ds.catalogue.require({ resourceCode: POPULATION });
  const { application } = await ds.applications.apply(paasid, {
    resourceCode: entry.resourceCode,
    fields: POPULATION_FIELDS,
    purpose,
    legalBasis: purpose,
    itemCode: "11440100696927671X3442011817001",
  });
  const { grant } = await ds.applications.approve({ kind: "admin" }, application.id, { quota: 1e9 });
  return { entry, grant };
}

/** A §5.2 GatewayMsg population query (caller fields + audit_info) by a consumer for a department, of one ID number. */
export function populationQuery(paasid, dept, idNumber, uid = "bench") {
  return {
    system_id: paasid,
    vender_id: dept,
    department_id: dept,
    query_timestamp: "20250106100000",
    UID: uid,
    query: { SFZH: idNumber },
    audit_info: {
      operator_id: "op-7",
      operator_name: "陈晓华",
      query_object_id: idNumber,
      query_object_id_type: "01",
      item_code: "11440100696927671X3442011817001",
      terminal_info: "10.20.30.40",
      query_timestamp: "2025-01-06 10:00:00",
    },
  };
}
