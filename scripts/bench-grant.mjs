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
