// Build step: cut the "core" licence fonts (see mocks/elicence/font-subset.ts) into dist/fonts — GB 2312, ASCII,
// CJK and full-width punctuation, and every CJK character in gatesim's sources (mocks/, contracts/), so documents
// with the seed's names and addresses never need the 14.8 MB full fonts in memory. Deterministic: same sources and
// font package → same files. Skipped when the outputs are newer than the sources and the font files.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CORE_CHARS_FILE,
  CORE_FONT_DIR_NAME,
  NOTO_SERIF_SC,
  loadSubsettableFont,
} from "../dist/mocks/elicence/font-subset.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "dist", CORE_FONT_DIR_NAME);
const require = createRequire(import.meta.url);

function files(dir, ext) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => ext.some((e) => f.endsWith(e)))
    .map((f) => join(dir, f));
}
const sources = [...files(join(root, "mocks"), [".ts"]), ...files(join(root, "contracts"), [".yaml", ".yml"])];
const fontFiles = Object.values(NOTO_SERIF_SC).map((f) => require.resolve(f));
const newest = Math.max(...[...sources, ...fontFiles, fileURLToPath(import.meta.url)].map((f) => statSync(f).mtimeMs));
const made = (() => {
  try {
    return Math.min(...["regular.ttf", "bold.ttf", CORE_CHARS_FILE].map((f) => statSync(join(out, f)).mtimeMs));
  } catch {
    return 0;
  }
})();
if (made > newest) process.exit(0);

const chars = new Set();
// GB 2312: rows 0xA1–0xF7, cells 0xA1–0xFE (symbols in rows 1–9, hanzi from row 16), decoded through GBK.
const gbk = new TextDecoder("gbk");
for (let row = 0xa1; row <= 0xf7; row++)
  for (let cell = 0xa1; cell <= 0xfe; cell++) {
    const ch = gbk.decode(Uint8Array.of(row, cell));
    if (ch.length === 1 && ch !== "\ufffd") chars.add(ch);
  }
for (let c = 0x20; c < 0x7f; c++) chars.add(String.fromCodePoint(c));
for (let c = 0x3000; c <= 0x303f; c++) chars.add(String.fromCodePoint(c));
for (let c = 0xff01; c <= 0xff5e; c++) chars.add(String.fromCodePoint(c));
for (const f of sources) for (const ch of readFileSync(f, "utf8")) if (ch.codePointAt(0) >= 0x2e80) chars.add(ch);
const text = [...chars].sort((a, b) => a.codePointAt(0) - b.codePointAt(0)).join("");

mkdirSync(out, { recursive: true });
for (const [weight, file] of Object.entries(NOTO_SERIF_SC)) {
  const font = await loadSubsettableFont(new Uint8Array(readFileSync(require.resolve(file))));
  writeFileSync(join(out, `${weight}.ttf`), font.subset(text));
}
writeFileSync(join(out, CORE_CHARS_FILE), text);
