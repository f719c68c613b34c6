// Reading an OFD package's first signature (GB/T 33190 §18) as a relying party does, whatever the document is: the
// package and its signature list, every Reference's SM3 digest, any file outside the References, and the signature
// value (SignedValue.dat) with what it signs (Signature.xml). Verifying that SES_Signature is the e-seal platform's;
// the e-licence platform adds what the file says (licence-ofd.ts). fflate unzips, fast-xml-parser reads.
import { createHash } from "node:crypto";
import { strFromU8, unzipSync } from "fflate";
import { XMLParser } from "fast-xml-parser";

export const OFD_NS = "http://www.ofdspec.org/2016";
/** GM/T 0006 object identifiers: SM3 (References' CheckMethod), SM2 with SM3 (SignatureMethod). */
export const SM3_OID = "1.2.156.10197.1.401";
export const SM2_SM3_OID = "1.2.156.10197.1.501";

/** One line of an OFD verification report. */
export interface OfdCheck {
  id: string;
  result: "PASSED" | "FAILED" | "INDETERMINATE";
  zh: string;
  en: string;
}

export interface OfdSignatureParts {
  /** package, references.method, reference:/path … */
  checks: OfdCheck[];
  /** OFD.xml's CustomData (GB/T 36905 puts a licence's metadata there); undefined when OFD.xml is unreadable. */
  info?: Record<string, string>;
  /** SignedValue.dat and Signature.xml, when the package has them. */
  signature?: Buffer;
  signedXml?: Buffer;
}

export const ofdFail = (id: string, zh: string, en: string): OfdCheck => ({ id, result: "FAILED", zh, en });
export const ofdPass = (id: string, zh: string, en: string): OfdCheck => ({ id, result: "PASSED", zh, en });
export const sm3Base64 = (b: Uint8Array): string => createHash("sm3").update(b).digest("base64");

/** What an OFD may unpack to: a licence file is ≈ 10 KB; a zip bomb stops here, not in the heap. */
export const OFD_MAX_UNPACKED = 64 * 1024 * 1024;
export const OFD_MAX_ENTRIES = 1000;

/** Unzip an OFD package within bounds: at most OFD_MAX_ENTRIES entries declaring OFD_MAX_UNPACKED bytes in all. */
export function unzipOfd(bytes: Uint8Array): Record<string, Uint8Array> {
  let total = 0,
    entries = 0;
  let refused: OfdLimitError | undefined;
  const mib = OFD_MAX_UNPACKED / 1048576;
  const files = unzipSync(bytes, {
    filter: (f) => {
      total += f.originalSize;
      if (++entries > OFD_MAX_ENTRIES)
        refused = new OfdLimitError(`超过 ${OFD_MAX_ENTRIES} 个文件`, `more than ${OFD_MAX_ENTRIES} files`);
      else if (total > OFD_MAX_UNPACKED)
        refused = new OfdLimitError(`解压后超过 ${mib} MiB`, `unpacks to more than ${mib} MiB`);
      return !refused;
    },
  });
  if (refused) throw refused;
  return files;
}

class OfdLimitError extends Error {
  constructor(
    readonly zh: string,
    en: string,
  ) {
    super(en);
  }
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  // lists, by their place (a root element named like a list item stays an object), and a page's objects by name
  isArray: (name, jpath) =>
    [
      "ofd:Signature.ofd:SignedInfo.ofd:References.ofd:Reference",
      "ofd:Signatures.ofd:Signature",
      "ofd:OFD.ofd:DocBody.ofd:DocInfo.ofd:CustomDatas.ofd:CustomData",
    ].includes(String(jpath)) || ["ofd:Layer", "ofd:PathObject", "ofd:TextObject", "ofd:ImageObject"].includes(name),
});

/** Parse an OFD package's XML file (path with or without the leading "/"), or undefined. */
export function readXml(files: Record<string, Uint8Array>, path: string): any {
  const data = files[path.replace(/^\//, "")];
  if (!data) return undefined;
  try {
    return parser.parse(strFromU8(data));
  } catch {
    return undefined;
  }
}

function customDataOf(body: any): Record<string, string> {
  const info: Record<string, string> = {};
  for (const c of body["ofd:DocInfo"]?.["ofd:CustomDatas"]?.["ofd:CustomData"] ?? [])
    if (typeof c?.["@_Name"] === "string") info[c["@_Name"]] = String(c["#text"] ?? "");
  return info;
}

const abs = (p: unknown) => `/${String(p ?? "").replace(/^\//, "")}`;

/** The first signature's parts and the checks that need no key: package, digest method, every reference. */
export function readOfdSignature(bytes: Uint8Array): OfdSignatureParts {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipOfd(bytes);
  } catch (e) {
    const en = (e as Error).message;
    const zh = e instanceof OfdLimitError ? e.zh : en;
    return { checks: [ofdFail("package", `不是可解析的 OFD 包：${zh}`, `not a readable OFD package: ${en}`)] };
  }
  const body = readXml(files, "OFD.xml")?.["ofd:OFD"]?.["ofd:DocBody"];
  if (!body)
    return { checks: [ofdFail("package", "OFD 包中没有可解析的 OFD.xml", "the package has no readable OFD.xml")] };
  const info = customDataOf(body);
  const sig = readXml(files, abs(body["ofd:Signatures"]))?.["ofd:Signatures"]?.["ofd:Signature"]?.[0];
  const sigPath = typeof sig?.["@_BaseLoc"] === "string" ? abs(sig["@_BaseLoc"]) : "";
  const signed = readXml(files, sigPath)?.["ofd:Signature"];
  if (!signed?.["ofd:SignedInfo"])
    return {
      info,
      checks: [
        ofdFail("package", "OFD 包中没有签名（Signatures.xml / Signature.xml）", "the package carries no signature"),
      ],
    };
  const checks = [ofdPass("package", "OFD 包结构完整", "the OFD package and its signature list are readable")];
  const refs = signed["ofd:SignedInfo"]["ofd:References"] ?? {};
  const valuePath = abs(signed["ofd:SignedValue"]);
  if (refs["@_CheckMethod"] !== SM3_OID)
    checks.push(
      ofdFail("references.method", `摘要算法应为 SM3（${SM3_OID}）`, `the digest method must be SM3 (${SM3_OID})`),
    );
  checks.push(...referenceChecks(files, refs["ofd:Reference"] ?? [], [sigPath, valuePath]));
  const value = files[valuePath.slice(1)];
  if (!value) {
    checks.push(ofdFail("signature", `签名值文件 ${valuePath} 不存在`, `the signed value ${valuePath} is missing`));
    return { info, checks };
  }
  return { info, checks, signature: Buffer.from(value), signedXml: Buffer.from(files[sigPath.slice(1)]) };
}

/** Each Reference's file present with its SM3 digest; any file outside them (but the signature's own) named. */
function referenceChecks(files: Record<string, Uint8Array>, refs: any[], own: string[]): OfdCheck[] {
  const checks: OfdCheck[] = [];
  const covered = new Set(own);
  for (const r of refs) {
    const path = abs(r?.["@_FileRef"]);
    covered.add(path);
    const data = files[path.slice(1)];
    const id = `reference:${path}`;
    if (!data) checks.push(ofdFail(id, `被签名的文件 ${path} 不存在`, `the signed file ${path} is missing`));
    else if (sm3Base64(data) !== String(r["ofd:CheckValue"] ?? "").trim())
      checks.push(
        ofdFail(id, `文件 ${path} 在签名后被修改（SM3 摘要不符）`, `${path} changed after signing (SM3 mismatch)`),
      );
    else checks.push(ofdPass(id, `文件 ${path} 的 SM3 摘要相符`, `${path} matches its SM3 digest`));
  }
  for (const path of Object.keys(files).map((p) => `/${p}`))
    if (!covered.has(path) && !path.endsWith("/"))
      checks.push(
        ofdFail(
          `reference:${path}`,
          `文件 ${path} 不在签名范围内（签名后加入）`,
          `${path} is not signed (added after signing)`,
        ),
      );
  return checks;
}
