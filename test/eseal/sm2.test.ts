import { describe, expect, it } from "vitest";
import {
  decodeSm2Signature,
  deriveSm2KeyPair,
  encodeSm2SignatureDer,
  encodeSm2SignatureRaw,
  sm2Sign,
  sm2Verify,
  sm2Z,
  sm3,
} from "../../mocks/eseal/index.js";

describe("SM3", () => {
  it("gives the GB/T 32905 test vector for 'abc'", () => {
    expect(sm3(Buffer.from("abc")).toString("hex")).toBe(
      "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
    );
  });
  it("gives the GB/T 32905 test vector for 'abcd' × 16", () => {
    expect(sm3(Buffer.from("abcd".repeat(16))).toString("hex")).toBe(
      "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
    );
  });
});

describe("SM2", () => {
  const keys = deriveSm2KeyPair("unit-test");
  const msg = Buffer.from("message digest");

  it("derives the same key pair from the same label and different ones from different labels", () => {
    expect(deriveSm2KeyPair("unit-test")).toEqual(keys);
    expect(deriveSm2KeyPair("unit-test-2").privateKey).not.toBe(keys.privateKey);
    expect(keys.publicKey).toMatch(/^04[0-9a-f]{128}$/);
  });

  it("signs and verifies; a changed message, key or user id fails", () => {
    const sig = sm2Sign(msg, keys);
    expect(sm2Verify(msg, sig, keys.publicKey)).toBe(true);
    expect(sm2Verify(Buffer.from("message digesT"), sig, keys.publicKey)).toBe(false);
    expect(sm2Verify(msg, sig, deriveSm2KeyPair("other").publicKey)).toBe(false);
    expect(sm2Verify(msg, sig, keys.publicKey, "another-id")).toBe(false);
    expect(sm2Verify(msg, { r: sig.r, s: sig.s + 1n }, keys.publicKey)).toBe(false);
  });

  it("is deterministic (derived nonce) so certificates are byte-identical per seed", () => {
    expect(sm2Sign(msg, keys)).toEqual(sm2Sign(msg, keys));
    expect(sm2Sign(msg, keys)).not.toEqual(sm2Sign(Buffer.from("x"), keys));
  });

  it("uses the GM/T 0009 default id 1234567812345678 in Z", () => {
    expect(sm2Z(keys.publicKey)).toEqual(sm2Z(keys.publicKey, "1234567812345678"));
    expect(sm2Z(keys.publicKey)).not.toEqual(sm2Z(keys.publicKey, "ALICE123@YAHOO.COM"));
  });

  it("encodes DER SEQUENCE{r,s} and raw r‖s, and decodes both", () => {
    const sig = sm2Sign(msg, keys);
    const der = encodeSm2SignatureDer(sig);
    expect(der[0]).toBe(0x30);
    expect(der.length).toBeGreaterThanOrEqual(68);
    expect(der.length).toBeLessThanOrEqual(72);
    expect(decodeSm2Signature(der)).toEqual({ ...sig, form: "der" });
    const raw = encodeSm2SignatureRaw(sig);
    expect(raw.length).toBe(64);
    expect(decodeSm2Signature(raw)).toEqual({ ...sig, form: "raw" });
    expect(decodeSm2Signature(Buffer.from("nonsense"))).toBeNull();
  });

  it("rejects garbage public keys without throwing", () => {
    const sig = sm2Sign(msg, keys);
    expect(sm2Verify(msg, sig, "04" + "00".repeat(64))).toBe(false);
    expect(sm2Verify(msg, sig, "zz")).toBe(false);
  });
});
