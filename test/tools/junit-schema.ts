// Validates JUnit XML against test/tools/junit.xsd with libxml2 (xmllint-wasm: libxml2 compiled to WebAssembly).
import { readFileSync } from "node:fs";
import { validateXML } from "xmllint-wasm";

const XSD = readFileSync(new URL("./junit.xsd", import.meta.url), "utf8");

export async function junitErrors(xml: string): Promise<string[]> {
  const r = await validateXML({
    xml: [{ fileName: "report.xml", contents: xml }],
    schema: [{ fileName: "junit.xsd", contents: XSD }],
  });
  return r.valid ? [] : r.errors.map((e) => e.rawMessage);
}
