// The YAML parser, loaded on first use: only contracts without a build cache, YAML config files and the tools read
// YAML, and loading the library costs ≈50 ms of start-up that a server answering API calls does not need.
import { createRequire } from "node:module";

let yaml: typeof import("yaml") | undefined;

export function parseYaml(text: string): unknown {
  yaml ??= createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yaml.parse(text);
}
