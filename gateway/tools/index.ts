// The compliance tools behind `gatesim <command>` (report, verify, probe, proxy): each returns an exit code (-1 keeps
// the process running, as `proxy` does), or undefined when the command is not one of them.
import { PROBE_HELP } from "./connectivity-probe.js";
import { VERIFY_HELP } from "./endpoint-verify.js";
import { REPORT_HELP } from "./report-command.js";
import { PROXY_HELP } from "./validating-proxy.js";

export async function runTool(command: string, argv: string[]): Promise<number | undefined> {
  switch (command) {
    case "report":
      return (await import("./report-command.js")).reportCommand(argv);
    case "verify":
      return (await import("./endpoint-verify.js")).verifyCommand(argv);
    case "probe":
      return (await import("./connectivity-probe.js")).probeCommand(argv);
    case "proxy":
      return (await import("./validating-proxy.js")).proxyCommand(argv);
    default:
      return undefined;
  }
}

/** Help lines for `gatesim --help`. */
export const TOOL_HELP = `
合规工具 Compliance tools (docs/tools.md):
${REPORT_HELP}${VERIFY_HELP}${PROBE_HELP}${PROXY_HELP}`;
