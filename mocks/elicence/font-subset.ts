// CJK font subsetting with HarfBuzz (harfbuzzjs wasm): one parsed face per font, a small TrueType subset per document.
//
// Why not pdf-lib's own `subset: true`: @pdf-lib/fontkit drops glyphs of Noto Serif SC when subsetting (characters
// such as 照 编 信 vanish from the page), so the licence PDF embeds a HarfBuzz subset instead (`subset: false`).
// The face is created once per font and kept in wasm memory, so each subset costs only the subsetting itself.
//
// Two layers per font (cjkFonts): the full 14.8 MB file held in HarfBuzz costs ≈33 MB of wasm memory per font, for
// the life of the process. So the build cuts a "core" font (scripts/subset-fonts.mjs: GB 2312, ASCII, CJK and
// full-width punctuation, and every character in gatesim's own sources — the seed's names and addresses, the
// catalogue — ≈8,000 characters, ≈2 MB) and a document is cut from the core whenever every character it prints is
// in it; the full font is loaded only the first time a text needs a character outside the core (a rare name
// character, say). Which layer is used depends only on the text, so rendering stays deterministic.
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

interface HbExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(n: number): number;
  free(p: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_input_get_flags(input: number): number;
  hb_subset_input_set_flags(input: number, flags: number): void;
  hb_subset_or_fail(face: number, input: number): number;
}

const HB_MEMORY_MODE_READONLY = 1;
const HB_SUBSET_SETS_DROP_TABLE_TAG = 3;
const HB_SUBSET_FLAGS_NO_HINTING = 0x1;
const HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE = 0x200;
/** Tables a PDF viewer does not need for horizontal Chinese text: layout, vertical metrics, signatures. */
const DROP = ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "vhea", "vmtx", "VORG", "DSIG"];

const tag = (s: string): number => [...s].reduce((a, ch) => ((a << 8) | ch.charCodeAt(0)) >>> 0, 0);

let hbPromise: Promise<HbExports> | undefined;
function harfbuzz(): Promise<HbExports> {
  hbPromise ??= (async () => {
    const wasm = await readFile(require.resolve("harfbuzzjs/dist/harfbuzz-subset.wasm"));
    const { instance } = await WebAssembly.instantiate(wasm, {});
    const hb = instance.exports as unknown as HbExports;
    hb._initialize();
    return hb;
  })();
  return hbPromise;
}

/** A font loaded once into HarfBuzz, from which subsets are cut. */
export interface SubsettableFont {
  /** A TrueType font holding only the glyphs of `text` (plus .notdef). */
  subset(text: string): Uint8Array;
}

/** Load a TrueType font file into HarfBuzz (kept for the life of the process). */
export async function loadSubsettableFont(bytes: Uint8Array): Promise<SubsettableFont> {
  const hb = await harfbuzz();
  const ptr = hb.malloc(bytes.byteLength);
  new Uint8Array(hb.memory.buffer).set(bytes, ptr);
  const blob = hb.hb_blob_create(ptr, bytes.byteLength, HB_MEMORY_MODE_READONLY, 0, 0);
  const face = hb.hb_face_create(blob, 0);
  hb.hb_blob_destroy(blob);
  return {
    subset(text: string): Uint8Array {
      const input = hb.hb_subset_input_create_or_fail();
      if (!input) throw new Error("hb_subset_input_create_or_fail failed");
      let sub = 0;
      try {
        hb.hb_subset_input_set_flags(
          input,
          hb.hb_subset_input_get_flags(input) | HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE,
        );
        // GSUB/GPOS are dropped below, so only the glyphs of the characters themselves are kept.
        const drop = hb.hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
        for (const t of DROP) hb.hb_set_add(drop, tag(t));
        const unicodes = hb.hb_subset_input_unicode_set(input);
        for (const ch of new Set(text)) hb.hb_set_add(unicodes, ch.codePointAt(0)!);
        sub = hb.hb_subset_or_fail(face, input);
      } finally {
        hb.hb_subset_input_destroy(input);
      }
      if (!sub) throw new Error("hb_subset_or_fail failed: the font could not be subset");
      const out = hb.hb_face_reference_blob(sub);
      try {
        const len = hb.hb_blob_get_length(out);
        const at = hb.hb_blob_get_data(out, 0);
        // Copy out: the wasm heap may grow (detaching views) on the next call.
        return new Uint8Array(hb.memory.buffer, at, len).slice();
      } finally {
        hb.hb_blob_destroy(out);
        hb.hb_face_destroy(sub);
      }
    },
  };
}

/** Noto Serif SC (SIL OFL 1.1, from the npm package @expo-google-fonts/noto-serif-sc), the licence's typeface. */
export const NOTO_SERIF_SC = {
  regular: "@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf",
  bold: "@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf",
} as const;
export type FontWeight = keyof typeof NOTO_SERIF_SC;

/** Where the build writes the core fonts: dist/fonts, found from the sources, the compiled files and the bundle. */
export const CORE_FONT_DIR_NAME = "fonts";
export const CORE_CHARS_FILE = "core-chars.txt";
function coreFontDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, "..", "fonts"), join(here, "..", "..", "fonts"), join(here, "..", "..", "dist", "fonts")].find(
    (d) => existsSync(join(d, CORE_CHARS_FILE)),
  );
}

/** A font that cuts a document's subset from the core layer when it can, from the full font when it must. */
export interface CjkFont {
  subset(text: string): Promise<Uint8Array>;
}

function layeredFont(fullFile: string, core: { file: string; chars: ReadonlySet<number> } | undefined): CjkFont {
  const load = (file: string) => readFile(file).then((b) => loadSubsettableFont(new Uint8Array(b)));
  let small: Promise<SubsettableFont> | undefined;
  let full: Promise<SubsettableFont> | undefined;
  return {
    async subset(text) {
      const inCore = core !== undefined && [...text].every((ch) => core.chars.has(ch.codePointAt(0)!));
      const font = inCore ? (small ??= load(core.file)) : (full ??= load(fullFile));
      return (await font).subset(text);
    },
  };
}

let fonts: Record<FontWeight, CjkFont> | undefined;
/** The licence fonts, regular and bold; nothing is read until a document is cut. Without a build, full fonts only. */
export function cjkFonts(): Record<FontWeight, CjkFont> {
  if (fonts) return fonts;
  const dir = coreFontDir();
  const chars = dir
    ? new Set([...readFileSync(join(dir, CORE_CHARS_FILE), "utf8")].map((c) => c.codePointAt(0)!))
    : undefined;
  const layer = (w: FontWeight) =>
    layeredFont(require.resolve(NOTO_SERIF_SC[w]), dir && chars ? { file: join(dir, `${w}.ttf`), chars } : undefined);
  fonts = { regular: layer("regular"), bold: layer("bold") };
  return fonts;
}
