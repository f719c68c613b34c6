// A refusal thrown by a pipeline step or a handler; the gateway renders it in the platform's own envelope.
import type { Diagnostic, Problem } from "./types.js";

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.code}: ${problem.en}`);
    this.name = "ProblemError";
  }
}

/** Build a thrower from a catalogue entry: refuse(CATALOGUE.x, diagnostics). */
export function refuse(entry: Omit<Problem, "diagnostics">, diagnostics: Diagnostic[] = []): never {
  throw new ProblemError({ ...entry, diagnostics });
}
