// Legal-person index ↔ GB 32100 unified social credit code (facts §6.2–6.3), a seed-keyed bijection on the
// 9-character subject identifier, so byUscc needs no table.
//
// index → n = π(index), an affine permutation of [0, 10^8); n → the 8-character body of a GB 11714 organisation code
// in one of two styles: 8 digits (an organisation code issued before the USCC reform, kept inside the USCC) or a
// two-letter prefix + 6 characters of the USCC alphabet (codes issued since October 2015, e.g. MA5CHYDD). Decoding
// reads the body back to n and inverts π; the caller regenerates the record and compares the whole code.
import { USCC_ALPHABET, orgCheck, usccCheck } from "../ids.js";
import type { Prng } from "../prng.js";
import { AffinePermutation } from "./affine-permutation.js";

const SPACE = 100_000_000;
/** Adding 4·31^5 makes new-style bodies start MA4…MA7, like most Guangdong codes (e.g. MA4U…, MA5C…) [R]. */
const LETTER_BASE = 4 * 31 ** 5;

/**
 * Body styles: prefixes of new-style subject identifiers by issuing system — MA market regulation (enterprises,
 * 个体工商户, cooperatives), MB institutional establishment (事业单位), MJ civil affairs (social organisations). The
 * prefixes are recalled knowledge [R]; GB 32100 itself only fixes the check characters.
 */
export type BodyStyle = "digits" | "MA" | "MB" | "MJ";

export const USCC_CAPACITY = SPACE;

export class UsccCodec {
  private readonly perm: AffinePermutation;

  constructor(rnd: Prng) {
    this.perm = new AffinePermutation(SPACE, rnd);
  }

  /** The 8-character organisation-code body of the legal person at this index. */
  body(index: number, style: BodyStyle): string {
    const n = this.perm.apply(index);
    if (style === "digits") return String(n).padStart(8, "0");
    let v = n + LETTER_BASE;
    let s = "";
    for (let k = 0; k < 6; k++) {
      s = USCC_ALPHABET[v % 31] + s;
      v = Math.floor(v / 31);
    }
    return style + s;
  }

  /**
   * Compose the USCC: registration-authority + category code (2), division code (6), organisation code (8 + its
   * GB 11714 check), GB 32100 check. The org code's check may be "X", which the USCC alphabet allows.
   */
  static format(typeCode: string, division: string, body8: string): { uscc: string; orgCode: string } {
    const org9 = body8 + orgCheck(body8);
    const b17 = typeCode + division + org9;
    return { uscc: b17 + usccCheck(b17), orgCode: `${body8}-${org9[8]}` };
  }

  /** The index a USCC would belong to, or undefined when no generated code can look like it. */
  decode(uscc: string): number | undefined {
    if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(uscc)) return undefined;
    const body = uscc.slice(8, 16);
    let n: number;
    if (/^\d{8}$/.test(body)) n = Number(body);
    else if (/^M[ABJ]/.test(body)) {
      let v = 0;
      for (let k = 2; k < 8; k++) v = v * 31 + USCC_ALPHABET.indexOf(body[k]);
      n = v - LETTER_BASE;
      if (n < 0 || n >= SPACE) return undefined;
    } else return undefined;
    return this.perm.invert(n);
  }
}
