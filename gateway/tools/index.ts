// The compliance tools behind `gatesim <command>` (report, verify, probe, proxy): each returns an exit code, or
// undefined when the command is not one of them.
export async function runTool(_command: string, _argv: string[]): Promise<number | undefined> {
  return undefined;
}

/** One line per tool for `gatesim --help`. */
export const TOOL_HELP = "";
