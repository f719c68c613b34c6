// The operation table a configured simulator serves: the built-in contracts plus the departments' own (config
// `contracts`, flag --contract). Loading a user contract is asynchronous (the OpenAPI meta-schema check).
import { loadContracts, type OperationTable } from "../../contracts/loader.js";
import type { GatesimConfig } from "../config.js";
import { loadUserContracts, withUserContracts } from "./user-contracts.js";

export async function tableFor(config: Readonly<GatesimConfig>, base?: OperationTable): Promise<OperationTable> {
  const builtIn = base ?? loadContracts();
  const specs = config.contracts ?? [];
  return specs.length ? withUserContracts(builtIn, await loadUserContracts(specs)) : builtIn;
}
