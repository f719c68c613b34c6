// The operation table a configured simulator serves: the built-in contracts plus the departments' own (config
// `contracts`, flag --contract); in mock mode the user's contract alone, with the control plane beside it (journal).
// Loading a user contract is asynchronous (the OpenAPI meta-schema check).
import { loadContracts, type OperationTable } from "../../contracts/loader.js";
import type { GatesimConfig } from "../config.js";
import { loadUserContracts, withUserContracts, type MountMode } from "./user-contracts.js";

export async function tableFor(
  config: Readonly<GatesimConfig>,
  base?: OperationTable,
  mode: MountMode = "gateway",
): Promise<OperationTable> {
  // mock mode serves the control plane alone: the other built-in contracts are not even resolved
  let builtIn = base ?? loadContracts(undefined, mode === "mock" ? ["admin"] : undefined);
  if (mode === "mock" && base) {
    const documents = builtIn.documents.filter((d) => d.platform === "admin");
    const operations = builtIn.operations.filter((o) => o.platform === "admin");
    builtIn = { documents, operations, byId: new Map(operations.map((o) => [o.operationId, o])) };
  }
  const specs = config.contracts ?? [];
  return specs.length ? withUserContracts(builtIn, await loadUserContracts(specs, mode)) : builtIn;
}
