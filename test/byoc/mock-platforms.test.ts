// The stand-in for gateway/platforms.ts in `gatesim mock`'s bundle answers as the real module does.
import { describe, expect, it } from "vitest";
import { DEFAULTS, type GatesimConfig } from "../../gateway/config.js";
import { defaultPlatforms, publicUrlOf } from "../../gateway/byoc/mock-platforms.js";
import * as real from "../../gateway/platforms.js";

describe("mock-mode platforms", () => {
  it("gives the same public URL as the real module", () => {
    for (const over of [
      { host: "127.0.0.1", port: 4010 },
      { host: "0.0.0.0", port: 80 },
      { host: "::", port: 8080 },
      { host: "::1", port: 9 },
      { host: "example.test", port: 1, publicUrl: "https://gw.example.test/base" },
    ]) {
      const config = { ...DEFAULTS, ...over } as GatesimConfig;
      expect(publicUrlOf(config)).toBe(real.publicUrlOf(config));
    }
  });

  it("refuses to build the built-in platforms, saying why", () => {
    expect(() => defaultPlatforms()).toThrow(/gatesim start/);
  });
});
