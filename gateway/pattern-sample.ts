// A string matching a schema's `pattern` (the common subset of ECMA-262 regular expressions contracts use: literals,
// escapes, classes with ranges — negated ones drawn from printable ASCII — groups with alternation, quantifiers),
// drawn from a seeded generator; undefined when the pattern uses anything else or the draw does not match (the caller
// then falls back).
import type { Prng } from "../mocks/shared/prng.js";

type Node =
  { t: "chars"; set: string } | { t: "alt"; options: Node[][] } | { t: "rep"; node: Node; min: number; max: number };

const DIGITS = "0123456789";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const WORD = `${UPPER}${UPPER.toLowerCase()}${DIGITS}_`;
const ESCAPES: Record<string, string> = { d: DIGITS, w: WORD, s: " ", n: "\n", t: "\t" };
/** What a negated class or \D \W \S draws from: printable ASCII (a sample a person can read) without the members. */
const PRINTABLE = Array.from({ length: 95 }, (_, k) => String.fromCharCode(32 + k)).join("");
const without = (set: string) => [...PRINTABLE].filter((c) => !set.includes(c)).join("");
const NEGATED: Record<string, string> = { D: without(DIGITS), W: without(WORD), S: without(" \t\n\r\f\v") };

class Parser {
  i = 0;
  constructor(readonly src: string) {}
  fail(): never {
    throw new Error("unsupported pattern");
  }
  escape(): string {
    const c = this.src[this.i++];
    if (c === undefined || /[bB1-9pPux]/.test(c)) this.fail();
    return NEGATED[c] ?? ESCAPES[c] ?? c;
  }
  cls(): string {
    let set = "";
    const negated = this.src[this.i] === "^";
    if (negated) this.i++;
    while (this.src[this.i] !== "]") {
      if (this.i >= this.src.length) this.fail();
      let c = this.src[this.i++];
      if (c === "\\") {
        const e = this.escape();
        if (e.length > 1) {
          set += e;
          continue;
        }
        c = e;
      }
      if (this.src[this.i] === "-" && this.src[this.i + 1] !== "]" && this.i + 1 < this.src.length) {
        this.i++;
        let to = this.src[this.i++];
        if (to === "\\") to = this.escape();
        for (let k = c.charCodeAt(0); k <= to.charCodeAt(0); k++) set += String.fromCharCode(k);
      } else set += c;
    }
    this.i++;
    return negated ? without(set) : set;
  }
  atom(): Node | undefined {
    const c = this.src[this.i];
    if (c === "(") {
      this.i++;
      if (this.src.startsWith("?:", this.i)) this.i += 2;
      else if (this.src[this.i] === "?") this.fail();
      const n = this.alt();
      if (this.src[this.i++] !== ")") this.fail();
      return n;
    }
    this.i++;
    if (c === "[") return { t: "chars", set: this.cls() };
    if (c === "\\") return { t: "chars", set: this.escape() };
    if (c === ".") return { t: "chars", set: WORD };
    if (c === "^" || c === "$") return undefined;
    if ("*+?{".includes(c)) this.fail();
    return { t: "chars", set: c };
  }
  quantified(): Node | undefined {
    const a = this.atom();
    if (!a) return a;
    const c = this.src[this.i];
    let min = 1,
      max = 1;
    if (c === "?") [min, max] = [0, 1];
    else if (c === "*") [min, max] = [0, 3];
    else if (c === "+") [min, max] = [1, 3];
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) this.fail();
      min = Number(m[1]);
      max = m[2] ? (m[3] ? Number(m[3]) : min + 3) : min;
      this.i += m[0].length - 1;
    } else return a;
    this.i++;
    if (this.src[this.i] === "?") this.i++; // lazy: same strings
    return { t: "rep", node: a, min, max };
  }
  alt(): Node {
    const options: Node[][] = [[]];
    while (this.i < this.src.length && this.src[this.i] !== ")") {
      if (this.src[this.i] === "|") {
        this.i++;
        options.push([]);
        continue;
      }
      const n = this.quantified();
      if (n) options[options.length - 1].push(n);
    }
    return { t: "alt", options };
  }
}

function draw(n: Node, r: Prng): string {
  if (n.t === "chars") return n.set[r.int(0, n.set.length - 1)] ?? "";
  if (n.t === "rep") {
    let s = "";
    for (let k = r.int(n.min, n.max); k > 0; k--) s += draw(n.node, r);
    return s;
  }
  return n.options[r.int(0, n.options.length - 1)].map((x) => draw(x, r)).join("");
}

export function sampleFromPattern(pattern: string, r: Prng): string | undefined {
  try {
    const p = new Parser(pattern);
    const tree = p.alt();
    if (p.i !== pattern.length) return undefined;
    const re = new RegExp(pattern, "u");
    for (let attempt = 0; attempt < 5; attempt++) {
      const s = draw(tree, r);
      if (re.test(s)) return s;
    }
  } catch {
    // unsupported or invalid: the caller falls back
  }
  return undefined;
}
