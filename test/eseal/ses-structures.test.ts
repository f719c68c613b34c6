import { describe, expect, it } from "vitest";
import * as asn1js from "asn1js";
import {
  buildSealInfoV1,
  buildSealV1,
  buildSignatureV1,
  createTestPki,
  parseSeal,
  parseSignature,
  sm3,
  SesFormatError,
} from "../../mocks/eseal/index.js";
import { ORG_A, T0, YEAR, sealedService } from "./fixtures.js";

describe("SESeal v4", () => {
  it("carries the fields of GB/T 38540 and parses back", () => {
    const { seal } = sealedService();
    const p = parseSeal(Buffer.from(seal.sealDer, "base64"));
    expect(p.version).toBe(4);
    expect(p.header).toEqual({ id: "ES", version: 4, vid: "GATESIM" });
    expect(p.esID).toBe(seal.sealCode);
    expect(p.esID).toMatch(/^440507\d{7}$/);
    expect(p).toMatchObject({ type: 4, name: `${ORG_A.name}合同专用章`, certListType: 1 });
    expect(p.certs).toHaveLength(1);
    expect(p.validStart.getTime()).toBe(T0);
    expect(p.validEnd.getTime()).toBe(T0 + YEAR);
    expect(p.picture).toMatchObject({ type: "SVG", widthMm: 42, heightMm: 42 });
    expect(p.picture.data.toString("utf8")).toContain(ORG_A.name);
    expect(p.makerAlg).toBe("1.2.156.10197.1.501");
  });

  it("encodes the times as GeneralizedTime and the signer certificate list as OCTET STRINGs", () => {
    const { seal } = sealedService();
    const root = asn1js.fromBER(new Uint8Array(Buffer.from(seal.sealDer, "base64"))).result as asn1js.Sequence;
    const info = root.valueBlock.value[0] as asn1js.Sequence;
    const prop = info.valueBlock.value[2] as asn1js.Sequence;
    const [, , listType, list, created] = prop.valueBlock.value;
    expect(listType).toBeInstanceOf(asn1js.Integer);
    expect((list as asn1js.Sequence).valueBlock.value[0]).toBeInstanceOf(asn1js.OctetString);
    expect(created).toBeInstanceOf(asn1js.GeneralizedTime);
    expect(root.valueBlock.value[3]).toBeInstanceOf(asn1js.BitString);
  });
});

describe("SES_Signature v4", () => {
  it("holds TBS_Sign{4, eseal, GeneralizedTime, SM3 dataHash, propertyInfo}, the signer cert and SM2-with-SM3", () => {
    const { svc, seal } = sealedService();
    const doc = Buffer.from("原文");
    const r = svc.signDocument({
      sealCode: seal.sealCode,
      document: doc,
      now: T0 + 1500,
      propertyInfo: "/Doc_0/Signs/Sign_0/Signature.xml",
    });
    const p = parseSignature(r.signature);
    expect(p.version).toBe(4);
    expect(p.signingTime?.toISOString()).toBe(new Date(T0 + 1000).toISOString());
    expect(p.dataHash).toEqual(sm3(doc));
    expect(p.propertyInfo).toBe("/Doc_0/Signs/Sign_0/Signature.xml");
    expect(p.signerCert).toEqual(svc.pki.org(ORG_A).certDer);
    expect(p.signatureAlg).toBe("1.2.156.10197.1.501");
    expect(p.seal.raw.toString("base64")).toBe(seal.sealDer); // the seal is embedded byte for byte
    expect(p.signature[0]).toBe(0x30); // DER SEQUENCE{r,s}
    expect(p.deviations).toEqual([]);
  });
});

describe("GM/T 0031 v1", () => {
  it("builds and parses v1 seals and signatures, tolerating GeneralizedTime and OCTET STRING", () => {
    const pki = createTestPki({ seed: "v1" });
    const info = buildSealInfoV1(
      {
        vid: "V1VENDOR",
        esID: "4405070000009",
        type: 1,
        name: "v1 单位印章",
        certs: [pki.org(ORG_A).certDer],
        createDate: new Date(T0),
        validStart: new Date(T0),
        validEnd: new Date(T0 + YEAR),
        picture: { type: "PNG", data: Buffer.from([1, 2, 3]), widthMm: 40, heightMm: 40 },
      },
      { generalizedTime: true },
    );
    const seal = buildSealV1(info, pki.sealMaker);
    expect(parseSeal(seal)).toMatchObject({ version: 1, esID: "4405070000009", type: 1, header: { version: 1 } });
    const sig = buildSignatureV1(
      {
        sealDer: seal,
        signingTime: new Date(T0 + 5000),
        dataHash: sm3(Buffer.from("x")),
        propertyInfo: "p",
        signer: pki.org(ORG_A),
      },
      { octetStrings: true },
    );
    const p = parseSignature(sig);
    expect(p.version).toBe(1);
    expect(p.signingTime?.getTime()).toBe(T0 + 5000);
    expect(p.deviations.some((d) => d.includes("OCTET STRING"))).toBe(true);
    expect(p.deviations.some((d) => d.includes("GeneralizedTime"))).toBe(true);
  });
});

describe("parser errors", () => {
  it("names the field that is wrong", () => {
    const { seal } = sealedService();
    const der = Buffer.from(seal.sealDer, "base64");
    expect(() => parseSeal(der.subarray(0, 40))).toThrow(SesFormatError);
    try {
      parseSignature(der); // an SESeal is not an SES_Signature
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SesFormatError);
      expect((e as SesFormatError).path).toMatch(/^SES_Signature/);
    }
  });
});
