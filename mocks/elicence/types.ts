// The e-licence platform's operation table, read from contracts/types/elicence.d.ts (generated from
// contracts/elicence.yaml): operationId → request and answers, which every handler in handlers/ satisfies
// (mocks/shared/operations.ts). ElicenceDeps (elicence-context.ts) is what each handler gets besides its request.
import type { components, operations } from "../../contracts/types/elicence.js";
import type { OperationHandlers } from "../shared/operations.js";
import type { ElicenceDeps } from "./elicence-context.js";

export type ElicenceOperations = operations;
export type ElicenceSchemas = components["schemas"];
export type { ElicenceDeps };

export type ElicenceHandlers = OperationHandlers<ElicenceOperations, ElicenceDeps>;
