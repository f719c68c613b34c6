// gateway/platforms.ts as `gatesim mock`'s bundle has it (scripts/bundle.mjs): mock mode serves no built-in platform
// (mock-command.ts passes `platforms: () => []`), so its bundle leaves the four platforms' code — most of the
// simulator's, and most of what a mock's start-up spent loading — out. The same exports, as the real module's.
import type { PlatformModule } from "../../mocks/shared/types.js";
import type { GatesimConfig } from "../config.js";

/** As gateway/platforms.ts (test/byoc/mock-platforms.test.ts holds them equal). */
export function publicUrlOf(config: Readonly<GatesimConfig>): string {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return config.publicUrl ?? `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
}

export function defaultPlatforms(): PlatformModule[] {
  throw new Error(
    "gatesim mock 不含内置平台（用 gatesim start）/ gatesim mock carries no built-in platform (use gatesim start)",
  );
}
