// The e-seal platform's operation table, read from contracts/types/eseal.d.ts (generated from contracts/eseal.yaml):
// operationId → request and answers, which every handler in handlers/ satisfies (mocks/shared/operations.ts).
import type { components, operations } from "../../contracts/types/eseal.js";
import type { OperationHandlers } from "../shared/operations.js";
import type { TenantSealRegistry } from "./tenant-seals.js";

export type EsealOperations = operations;
export type EsealSchemas = components["schemas"];

/** What every e-seal handler gets besides the request and its context: the per-tenant seal registry. */
export interface EsealDeps {
  reg: TenantSealRegistry;
}

export type EsealHandlers = OperationHandlers<EsealOperations, EsealDeps>;
