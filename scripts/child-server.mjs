// A benchmark's server in a child process, so the load generator does not share its event loop. The child prints
// one JSON line about itself (at least its url) on stdout once it listens, and exits on SIGTERM.
import { spawn } from "node:child_process";

/** Spawn `node ...args`; resolves with the child's first stdout line parsed, its pid, and stop(). */
export async function startChild(args, { env } = {}) {
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  const info = await new Promise((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (c) => {
      buf += c;
      const nl = buf.indexOf("\n");
      if (nl !== -1) resolve(JSON.parse(buf.slice(0, nl)));
    });
    child.once("exit", (code) => reject(new Error(`node ${args.join(" ")} exited with ${code} before it was ready`)));
  });
  return {
    info,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}
