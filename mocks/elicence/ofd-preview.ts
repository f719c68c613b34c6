// A preview of an OFD licence file's first page as SVG, drawn from the package's own page description (Content.xml:
// path, text and image objects; the stamp annotation with the seal's picture from SignedValue.dat). No OFD reader
// is packaged for Debian or npm that we could install here, so docs/elicence.md's rendered page comes from this
// (through headless Chromium), and a department can look at what a file says without an OFD viewer. It draws what
// gatesim writes (the subset of GB/T 33190 licence-ofd.ts uses), not arbitrary OFD.
import { readXml, unzipOfd } from "../shared/ofd-signature.js";
import { XMLBuilder } from "fast-xml-parser";
import { parseSignature } from "../eseal/ses-parse.js";

const svgBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", suppressEmptyNode: true });

const nums = (s: unknown) =>
  String(s ?? "")
    .trim()
    .split(/\s+/)
    .map(Number);
const rgb = (v: unknown) => `rgb(${nums(v).slice(0, 3).join(",")})`;

/** `g N d` in DeltaX is N repeats of d (GB/T 33190 §11.3); the rest are plain advances. */
function deltas(v: unknown): number[] {
  const parts = String(v ?? "")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++)
    if (parts[i] === "g") {
      out.push(...Array(Number(parts[i + 1])).fill(Number(parts[i + 2])));
      i += 2;
    } else out.push(Number(parts[i]));
  return out;
}

/** The abbreviated path data (M, L, C as close) in SVG terms: the same letters, Z for close. */
const pathData = (d: unknown) => String(d ?? "").replace(/\bC\b/g, "Z");

function pictureHref(signedValue: Uint8Array | undefined): string | undefined {
  if (!signedValue) return undefined;
  try {
    const { picture } = parseSignature(Buffer.from(signedValue)).seal;
    const mime = picture.type.toLowerCase() === "svg" ? "image/svg+xml" : `image/${picture.type.toLowerCase()}`;
    return `data:${mime};base64,${picture.data.toString("base64")}`;
  } catch {
    return undefined;
  }
}

/** The first page as SVG in millimetres (the OFD's own unit), `widthPx` wide. */
export function ofdPageSvg(bytes: Uint8Array, widthPx = 794): string {
  const files = unzipOfd(bytes);
  const read = (p: string) => readXml(files, p);
  const doc = read("Doc_0/Document.xml")?.["ofd:Document"];
  const [, , w, h] = nums(doc?.["ofd:CommonData"]?.["ofd:PageArea"]?.["ofd:PhysicalBox"] ?? "0 0 210 297");
  const layers = read("Doc_0/Pages/Page_0/Content.xml")?.["ofd:Page"]?.["ofd:Content"]?.["ofd:Layer"] ?? [];
  const media = read("Doc_0/DocumentRes.xml")?.["ofd:Res"]?.["ofd:MultiMedias"]?.["ofd:MultiMedia"];
  const image = (id: string) => {
    const m = [media].flat().find((x: any) => String(x?.["@_ID"]) === id);
    const data = m && files[`Doc_0/Res/${m["ofd:MediaFile"]}`];
    return data ? `data:image/png;base64,${Buffer.from(data).toString("base64")}` : undefined;
  };
  const out: Record<string, unknown[]> = { path: [], text: [], image: [] };
  for (const layer of layers) {
    for (const p of layer["ofd:PathObject"] ?? []) {
      const [x, y] = nums(p["@_Boundary"]);
      out.path.push({
        "@_transform": `translate(${x} ${y})`,
        "@_d": pathData(p["ofd:AbbreviatedData"]),
        "@_fill": "none",
        "@_stroke": rgb(p["ofd:StrokeColor"]?.["@_Value"]),
        "@_stroke-width": Number(p["@_LineWidth"] ?? 0.35),
      });
    }
    for (const t of layer["ofd:TextObject"] ?? []) {
      const [x, y] = nums(t["@_Boundary"]);
      const code = t["ofd:TextCode"];
      const chars = [...String(code?.["#text"] ?? "")];
      const adv = deltas(code?.["@_DeltaX"]);
      let cx = x + Number(code?.["@_X"] ?? 0);
      const xs = chars.map((_, i) => (i === 0 ? cx : (cx += adv[i - 1] ?? 0)));
      out.text.push({
        "@_x": xs.map((v) => v.toFixed(2)).join(" "),
        "@_y": (y + Number(code?.["@_Y"] ?? 0)).toFixed(2),
        "@_font-size": Number(t["@_Size"]),
        "@_font-family": "Noto Serif CJK SC, Noto Serif SC, SimSun, serif",
        "@_fill": rgb(t["ofd:FillColor"]?.["@_Value"]),
        "#text": chars.join(""),
      });
    }
    for (const im of layer["ofd:ImageObject"] ?? []) {
      const [x, y, iw, ih] = nums(im["@_Boundary"]);
      const href = image(String(im["@_ResourceID"]));
      if (href) out.image.push({ "@_x": x, "@_y": y, "@_width": iw, "@_height": ih, "@_href": href });
    }
  }
  // the stamp annotation of each signature: the seal's own picture over its boundary
  const sig = read("Doc_0/Signs/Sign_0/Signature.xml")?.["ofd:Signature"];
  const stamp = sig?.["ofd:SignedInfo"]?.["ofd:StampAnnot"];
  const seal = pictureHref(files["Doc_0/Signs/Sign_0/SignedValue.dat"]);
  if (stamp && seal) {
    const [x, y, sw, sh] = nums(stamp["@_Boundary"]);
    out.image.push({ "@_x": x, "@_y": y, "@_width": sw, "@_height": sh, "@_href": seal, "@_opacity": 0.85 });
  }
  return svgBuilder.build({
    svg: {
      "@_xmlns": "http://www.w3.org/2000/svg",
      "@_viewBox": `0 0 ${w} ${h}`,
      "@_width": widthPx,
      "@_height": Math.round((widthPx * h) / w),
      rect: { "@_width": w, "@_height": h, "@_fill": "#fff" },
      ...out,
    },
  });
}
