// Reads a user's OpenAPI document and the sibling files its $refs name, checks it against the OpenAPI meta-schema
// (@seriousme/openapi-schema-validator) and resolves every reference; each problem names file, JSON pointer and line.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import type { LineCounter as LineCounterT, Document } from "yaml";
import { DISCRIMINATOR_TAGS } from "./schema-dialect.js";

export interface ContractProblem {
  file: string;
  pointer: string;
  line?: number;
  message: string;
}

export class ContractError extends Error {
  constructor(readonly problems: ContractProblem[]) {
    super(
      `契约无效 / invalid contract:\n${problems.map((p) => `  - ${p.file}${p.line ? `:${p.line}` : ""} ${p.pointer || "/"}: ${p.message}`).join("\n")}`,
    );
    this.name = "ContractError";
  }
}

interface ParsedFile {
  path: string;
  text: string;
  data: unknown;
  /** 1-based line of the node at a JSON pointer (the nearest existing ancestor when the node itself is missing). */
  lineOf(pointer: string): number | undefined;
  /** Where the parsed form is (or will be) recorded, see parsedBefore. */
  cacheKey: string;
}

const esc = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");
const unesc = (k: string) => k.replace(/~1/g, "/").replace(/~0/g, "~");

const req = createRequire(import.meta.url);
const loadYaml = () => req("yaml") as typeof import("yaml");

/** A package's version, for the check and parse records' keys (a new version checks and parses afresh). */
function versionOf(pkg: string): string {
  try {
    return JSON.parse(readFileSync(req.resolve(`${pkg}/package.json`), "utf8")).version;
  } catch {
    return "unknown";
  }
}

/** The YAML document with its positions, for line numbers: parsed once, when first needed. */
function positionsOf(text: string) {
  const yaml = loadYaml();
  const counter: LineCounterT = new yaml.LineCounter();
  // YAML 1.2 is a superset of JSON: one parser for both, with positions for every node
  const doc: Document = yaml.parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  return { yaml, counter, doc };
}

function lineFinder(text: string, parsed?: ReturnType<typeof positionsOf>): (pointer: string) => number | undefined {
  let p = parsed;
  return (pointer) => {
    p ??= positionsOf(text);
    const keys = pointer.split("/").slice(1).map(unesc);
    for (let n = keys.length; n >= 0; n--) {
      const node = p.doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === "object" && node.range) return p.counter.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

function parseFile(path: string, problems: ContractProblem[]): ParsedFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    problems.push({ file: path, pointer: "", message: `无法读取 / cannot be read: ${(e as Error).message}` });
    return undefined;
  }
  const cached = parsedBefore(text);
  if (cached) return { path, text, data: cached.data, lineOf: lineFinder(text), cacheKey: cached.key };
  const parsed = positionsOf(text);
  for (const err of parsed.doc.errors) {
    const line = err.linePos?.[0]?.line;
    problems.push({
      file: path,
      pointer: "",
      line,
      message: `无法解析 / cannot be parsed: ${err.message.split("\n")[0]}`,
    });
  }
  if (parsed.doc.errors.length) return undefined;
  const data = parsed.doc.toJS({ maxAliasCount: 1000 });
  return { path, text, data, lineOf: lineFinder(text, parsed), cacheKey: parseKey(text) };
}

export interface LoadedContract {
  file: string;
  /** The main document as written. */
  source: Record<string, any>;
  /** Every $ref resolved (cycles left as an open schema: see resolveRefs). */
  dereferenced: Record<string, any>;
  /** Self-contained copy for /docs: references into sibling files inlined, the document's own kept. */
  bundled: Record<string, any>;
  version: "3.0" | "3.1";
  lineOf(pointer: string): number | undefined;
  /** These very files passed the meta-schema check and compiled before: the caller may skip compiling them now. */
  checkedBefore: boolean;
  /** Record that they passed every check (the caller's too), for the next start. */
  remember(): void;
}

function pointerGet(data: unknown, ptr: string): { found: boolean; value?: unknown } {
  let cur: any = data;
  for (const raw of ptr.split("/").slice(1)) {
    const k = unesc(raw);
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, k)) return { found: false };
    cur = cur[k];
  }
  return { found: true, value: cur };
}

interface RefContext {
  files: Map<string, ParsedFile | undefined>;
  problems: ContractProblem[];
  memo: Map<string, unknown>;
}

function fileFor(ctx: RefContext, path: string): ParsedFile | undefined {
  if (!ctx.files.has(path)) ctx.files.set(path, existsSync(path) ? parseFile(path, ctx.problems) : undefined);
  return ctx.files.get(path);
}

/**
 * Replace `$ref`s by their targets across files. `external` only: inline references into other files and keep the
 * file's own (the bundled copy). A reference cycle (a tree schema) is cut with an open schema `{}` there: the answer
 * is then checked down to the cycle only.
 */
function resolveRefs(
  node: unknown,
  file: ParsedFile,
  ptr: string,
  ctx: RefContext,
  opts: { external: boolean; stack: string[] },
): unknown {
  if (Array.isArray(node)) return node.map((n, i) => resolveRefs(n, file, `${ptr}/${i}`, ctx, opts));
  if (node === null || typeof node !== "object") return node;
  const obj = node as Record<string, unknown>;
  if (typeof obj.$ref === "string") {
    const ref = obj.$ref;
    const i = ref.indexOf("#");
    const rel = i === -1 ? ref : ref.slice(0, i);
    const targetPtr = decodeURIComponent(i === -1 ? "" : ref.slice(i + 1));
    if (!(opts.external && !rel)) {
      const targetPath = rel ? resolve(dirname(file.path), rel) : file.path;
      const target = fileFor(ctx, targetPath);
      // the line only when there is a problem: finding it parses the YAML with positions (parsedBefore)
      const where = () => ({ file: file.path, pointer: `${ptr}/$ref`, line: file.lineOf(`${ptr}/$ref`) });
      if (!target) {
        if (!existsSync(targetPath))
          ctx.problems.push({
            ...where(),
            message: `$ref 指向的文件不存在 / $ref names a missing file: ${targetPath}`,
          });
        return {};
      }
      const key = `${targetPath}#${targetPtr}`;
      if (opts.stack.includes(key)) return {};
      const got = pointerGet(target.data, targetPtr);
      if (!got.found) {
        ctx.problems.push({ ...where(), message: `$ref 无法解析 / unresolvable $ref ${ref}` });
        return {};
      }
      const memoKey = `${opts.external ? "b" : "d"}${key}`;
      let resolved = ctx.memo.get(memoKey);
      if (resolved === undefined) {
        const inner = { external: false, stack: [...opts.stack, key] };
        resolved = resolveRefs(got.value, target, targetPtr, ctx, inner);
        if (!opts.stack.length) ctx.memo.set(memoKey, resolved);
      }
      const { $ref: _r, ...siblings } = obj;
      return Object.keys(siblings).length && resolved && typeof resolved === "object"
        ? { ...(resolved as object), ...(resolveRefs(siblings, file, ptr, ctx, opts) as object) }
        : resolved;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = resolveRefs(v, file, `${ptr}/${esc(k)}`, ctx, opts);
  const tags = opts.external ? undefined : discriminatorTags(obj, file);
  if (tags) out[DISCRIMINATOR_TAGS] = tags;
  return out;
}

/** `file#pointer` of a reference written in `file` (a bare name stays a name: mapping values may be schema names). */
function refKey(ref: string, file: ParsedFile): string {
  if (!ref.includes("#") && !ref.includes("/")) return ref;
  const i = ref.indexOf("#");
  const rel = i === -1 ? ref : ref.slice(0, i);
  return `${rel ? resolve(dirname(file.path), rel) : file.path}#${decodeURIComponent(i === -1 ? "" : ref.slice(i + 1))}`;
}

/**
 * The tag values of each `oneOf`/`anyOf` branch of a schema with a `discriminator` (OAS 3.1 §4.8.25, 3.0 §4.7.25):
 * the `mapping` entries that name the branch's $ref, else the referenced schema's own name. Read here, where the
 * $refs are still written; after dereferencing they are gone. Undefined when a branch is inline (no name to select
 * it by): the discriminator then stays an annotation and the alternatives are checked as written.
 */
function discriminatorTags(obj: Record<string, any>, file: ParsedFile): string[][] | undefined {
  const d = obj.discriminator;
  const branches = obj.oneOf ?? obj.anyOf;
  if (!d || typeof d.propertyName !== "string" || !Array.isArray(branches) || !branches.length) return undefined;
  const mapping = Object.entries<unknown>(d.mapping && typeof d.mapping === "object" ? d.mapping : {}).filter(
    (e): e is [string, string] => typeof e[1] === "string",
  );
  const tags: string[][] = [];
  for (const b of branches) {
    if (typeof b?.$ref !== "string") return undefined;
    const key = refKey(b.$ref, file);
    const name = unesc(key.slice(key.lastIndexOf("/") + 1));
    const mapped = mapping.filter(([, v]) => refKey(v, file) === key || v === name).map(([tag]) => tag);
    tags.push(mapped.length ? mapped : [name]);
  }
  return tags;
}

/** The meta-schema check: every problem, each with its pointer and line. */
async function checkAgainstOpenApi(file: ParsedFile, problems: ContractProblem[]): Promise<void> {
  const { Validator } = await import("@seriousme/openapi-schema-validator");
  const validator = new Validator({ allErrors: true });
  const res = await validator.validate(file.data as Record<string, unknown>);
  if (res.valid) return;
  if (typeof res.errors === "string") {
    problems.push({ file: file.path, pointer: "", line: 1, message: res.errors });
    return;
  }
  const seen = new Set<string>();
  for (const e of res.errors ?? []) {
    const p = e.params as Record<string, unknown>;
    const extra =
      e.keyword === "additionalProperties"
        ? ` (${String(p.additionalProperty)})`
        : e.keyword === "required"
          ? ""
          : e.keyword === "enum"
            ? ` ${JSON.stringify(p.allowedValues)}`
            : "";
    const message = `不符合 OpenAPI 规范 / violates the OpenAPI schema: ${e.message}${extra}`;
    const key = `${e.instancePath} ${message}`;
    if (seen.has(key)) continue; // oneOf branches repeat the same complaint
    seen.add(key);
    problems.push({ file: file.path, pointer: e.instancePath, line: file.lineOf(e.instancePath), message });
  }
}

// The meta-schema check compiles the OpenAPI schema (≈180 ms) and compiling every schema of the contract takes tens of
// ms more: a contract whose files are byte for byte ones that passed both before (same validator and Ajv versions) is
// not checked again — its validators compile on first use, as the built-in contracts' do. The record is a marker
// file per content hash in the OS temp folder; losing it only costs the checks. Each file's parsed form is kept
// beside it (parsing YAML with positions was the next largest part of a mock's start-up); the positions, for line
// numbers in problems, are parsed again only when a problem needs one.
const CHECKED_DIR = join(tmpdir(), "gatesim-contract-checks");
/** Bump when the checks a marker stands for change (user-contracts.ts compileAll, the meta-schema check). */
const CHECKS = "meta-schema+compile/2";
const CHECK_VERSIONS = `${CHECKS}\0${versionOf("@seriousme/openapi-schema-validator")}\0${versionOf("ajv")}`;
const PARSE_VERSION = `yaml ${versionOf("yaml")} uniqueKeys maxAliasCount=1000`;
/** Parsed forms kept at most (each saved version of an edited contract leaves one). */
const PARSED_KEPT = 64;
/**
 * Records are trusted only from a folder this user owns that nobody else may write to: the OS temp folder is shared,
 * and a parsed form planted by another account would be served as the contract, unchecked. Otherwise: check every time.
 */
function ownFolder(): boolean {
  try {
    const st = statSync(CHECKED_DIR);
    return st.isDirectory() && (process.getuid === undefined || (st.uid === process.getuid() && !(st.mode & 0o022)));
  } catch {
    return false;
  }
}
const recheck = () => process.env.GATESIM_CONTRACT_RECHECK === "1" || !ownFolder();

function checkKey(files: Map<string, ParsedFile | undefined>): string {
  const h = createHash("sha256").update(CHECK_VERSIONS);
  for (const [path, f] of [...files].sort(([a], [b]) => a.localeCompare(b)))
    h.update("\0")
      .update(path)
      .update("\0")
      .update(f?.text ?? "");
  return `checked-${h.digest("hex")}`;
}

const parseKey = (text: string) =>
  `parsed-${createHash("sha256").update(PARSE_VERSION).update("\0").update(text).digest("hex")}.json`;

function parsedBefore(text: string): { key: string; data: unknown } | undefined {
  if (recheck()) return undefined;
  const key = parseKey(text);
  try {
    return { key, data: JSON.parse(readFileSync(join(CHECKED_DIR, key), "utf8")) };
  } catch {
    return undefined; // not recorded, or a broken record: parse the text
  }
}

/** The parsed form as JSON, or undefined when JSON cannot hold it (.inf/.nan, a cycle through YAML aliases). */
function asJson(data: unknown): string | undefined {
  let exact = true;
  try {
    const json = JSON.stringify(data, (_k, v: unknown) => {
      if (typeof v === "number" && !Number.isFinite(v)) exact = false;
      return v;
    });
    return exact ? json : undefined;
  } catch {
    return undefined;
  }
}

function pruneParsed(): void {
  const kept = readdirSync(CHECKED_DIR).filter((f) => f.startsWith("parsed-"));
  if (kept.length <= PARSED_KEPT) return;
  const byAge = kept
    .map((f) => ({ f, t: statSync(join(CHECKED_DIR, f)).mtimeMs }))
    .sort((x, y) => x.t - y.t)
    .slice(0, kept.length - PARSED_KEPT);
  for (const { f } of byAge) rmSync(join(CHECKED_DIR, f), { force: true });
}

/** Record that these files passed every check, and keep their parsed forms. */
function rememberPassed(key: string, files: Map<string, ParsedFile | undefined>): void {
  try {
    mkdirSync(CHECKED_DIR, { recursive: true, mode: 0o700 });
    if (!ownFolder()) return;
    for (const f of files.values()) {
      if (!f || existsSync(join(CHECKED_DIR, f.cacheKey))) continue;
      const json = asJson(f.data);
      if (json === undefined) continue;
      // written whole, then renamed: another start reading it meanwhile never sees half a record
      const part = join(CHECKED_DIR, `${f.cacheKey}.${process.pid}.part`);
      writeFileSync(part, json);
      renameSync(part, join(CHECKED_DIR, f.cacheKey));
    }
    writeFileSync(join(CHECKED_DIR, key), "");
    pruneParsed();
  } catch {
    // a read-only temp folder: check every time
  }
}

/** Load, check and resolve one contract; throws ContractError listing every problem found. */
export async function loadContractFile(path: string): Promise<LoadedContract> {
  const abs = resolve(path);
  const problems: ContractProblem[] = [];
  if (!existsSync(abs)) throw new ContractError([{ file: abs, pointer: "", message: "文件不存在 / file not found" }]);
  const main = parseFile(abs, problems);
  if (!main) throw new ContractError(problems);
  const source = main.data as Record<string, any>;
  if (!source || typeof source !== "object" || Array.isArray(source))
    throw new ContractError([
      { file: abs, pointer: "", line: 1, message: "顶层应为对象 / the top level must be an object" },
    ]);
  const v = String(source.openapi ?? "");
  if (!/^3\.[01]\./.test(v))
    throw new ContractError([
      {
        file: abs,
        pointer: "/openapi",
        line: main.lineOf("/openapi"),
        message: `只支持 OpenAPI 3.0 与 3.1 / only OpenAPI 3.0 and 3.1 are supported (openapi: ${JSON.stringify(source.openapi ?? null)})`,
      },
    ]);
  const ctx: RefContext = { files: new Map([[abs, main]]), problems, memo: new Map() };
  const dereferenced = resolveRefs(source, main, "", ctx, { external: false, stack: [] }) as Record<string, any>;
  const before = problems.length; // the bundling pass meets the same broken references again
  const bundled = resolveRefs(source, main, "", ctx, { external: true, stack: [] }) as Record<string, any>;
  problems.splice(before);
  if (problems.length) throw new ContractError(problems);
  // the validator follows internal references only: it checks the bundled copy (sibling files inlined), whose
  // pointers are the main file's, or land on the $ref that brought a sibling's part in
  const key = checkKey(ctx.files);
  const checkedBefore = !recheck() && existsSync(join(CHECKED_DIR, key));
  if (!checkedBefore) {
    await checkAgainstOpenApi({ ...main, data: bundled }, problems);
    if (problems.length) throw new ContractError(problems);
  }
  return {
    checkedBefore,
    remember: () => rememberPassed(key, ctx.files),
    file: abs,
    source,
    dereferenced,
    bundled,
    version: v.startsWith("3.0") ? "3.0" : "3.1",
    lineOf: main.lineOf,
  };
}
