// Identifier check digits and validators with the facts file's worked examples (§4.2, §6.1–6.4), valid and invalid.
import { describe, expect, it } from "vitest";
import {
  checkDivisionCode,
  checkIdNumber,
  checkLicenceId,
  checkOrgCode,
  checkUscc,
  idCheck,
  makeLicenceId,
  mod37_36,
  orgCheck,
  usccCheck,
} from "../../mocks/shared/ids.js";
import { makeSim } from "../helpers.js";

describe("GB 11643 resident ID number", () => {
  it("computes the worked check digits", () => {
    expect(idCheck("44050719900101123")).toBe("3");
    expect(idCheck("11010519491231002")).toBe("X");
    expect(idCheck("44052319850615001")).toBe("5");
    expect(idCheck("44051320000229045")).toBe("X");
  });
  it("accepts valid numbers, including historical Shantou division codes", () => {
    for (const v of ["440507199001011233", "11010519491231002X", "440523198506150015", "44051320000229045X"])
      expect(checkIdNumber(v)).toBeNull();
    const hist = "44058219800101001" + idCheck("44058219800101001");
    expect(checkIdNumber(hist)).toBeNull();
  });
  it("refuses wrong check digits, unreal dates, unknown divisions, bad shapes — saying which", () => {
    expect(checkIdNumber("440507199001011234")).toContain("should be 3");
    const feb30 = "44050719900230123";
    expect(checkIdNumber(feb30 + idCheck(feb30))).toContain("not a real past date");
    const future = "44050720990101123";
    expect(checkIdNumber(future + idCheck(future))).toContain("not a real past date");
    const nowhere = "44059919900101123";
    expect(checkIdNumber(nowhere + idCheck(nowhere))).toContain("not a known GB/T 2260 division");
    expect(checkIdNumber("11010519491231002x")).toContain("upper-case X");
    expect(checkIdNumber("4405071990")).toContain("17 digits");
  });
});

describe("GB 32100 USCC and GB 11714 organisation code", () => {
  it("computes the worked examples", () => {
    expect(usccCheck("91440507192781592")).toBe("B");
    expect(usccCheck("11440500553696992")).toBe("R");
    for (const v of [
      "91440507192781592B",
      "11440500553696992R",
      "91440101MA5CHYDD1A",
      "91350100M000100Y43",
      "11100000000013338W",
      "11100000000013127D",
      "113700000045030270",
    ])
      expect(checkUscc(v)).toBeNull();
    expect(orgCheck("19278159")).toBe("2");
    for (const v of ["19278159-2", "55369699-2", "MA5CHYDD-1", "79013765-X", "78305975-3", "192781592"])
      expect(checkOrgCode(v)).toBeNull();
  });
  it("refuses wrong checks and forbidden letters", () => {
    expect(checkUscc("91440507192781592C")).toContain("should be B");
    expect(checkUscc("9144050719278159IB")).toContain("except I, O, S, V, Z");
    expect(checkOrgCode("19278159-3")).toContain("should be 2");
    expect(checkOrgCode("1927815-2")).toContain("8 digits");
  });
});

describe("GB/T 2260 and GB/T 36904", () => {
  it("knows Shantou's districts, current and (when asked) historical", () => {
    for (const c of ["440500", "440507", "440511", "440512", "440513", "440514", "440515", "440523"])
      expect(checkDivisionCode(c)).toBeNull();
    expect(checkDivisionCode("440582")).toContain("not a known");
    expect(checkDivisionCode("440582", { historical: true })).toBeNull();
    expect(checkDivisionCode("440599")).toContain("not a known");
    expect(checkDivisionCode("4405")).toContain("6 digits");
  });
  it("reproduces the licence identifier examples (MOD 37,36)", () => {
    expect(checkLicenceId("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U")).toBeNull();
    expect(checkLicenceId("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0")).toBeNull();
    expect(checkLicenceId("1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9")).toBeNull();
    expect(makeLicenceId("11100000000013338W011", "11440507MB2C00001R", "2024000123", "001")).toBe(
      "1.2.156.3005.2.11100000000013338W011.11440507MB2C00001R.2024000123.001.6",
    );
    expect(mod37_36("11100000000013338W00211320482014138860P201807250201001")).toBe("M");
  });
  it("refuses placeholders and malformed identifiers", () => {
    expect(checkLicenceId("1.2.156.3005.2.11100000000013338W011.11440507MB2C00001R.2024000123.001.X")).toContain(
      "should be 6",
    );
    expect(checkLicenceId("1.2.156.3003.2.11100000000013338W011.11440507MB2C00001R.2024000123.001.6")).toContain(
      "must be 1.2.156.3005.2",
    );
    expect(checkLicenceId("1.2.156.3005.2.11100000000013338W011.11440507MB2C00001R.2024000123.1.6")).toContain(
      "3 digits",
    );
  });
});

describe("the identifier checker operation", () => {
  it("answers valid/invalid with the reason, over HTTP, without signing", async () => {
    const sim = await makeSim();
    const ok = await sim.app.inject({ method: "GET", url: "/gatesim/v1/identifiers/gb32100-uscc/91440507192781592B" });
    expect(ok.json()).toEqual({ type: "gb32100-uscc", value: "91440507192781592B", valid: true });
    const bad = await sim.app.inject({ method: "GET", url: "/gatesim/v1/identifiers/gb11643-id/440507199001011234" });
    expect(bad.json()).toMatchObject({ valid: false, reason: expect.stringContaining("should be 3") });
    const unknownType = await sim.app.inject({ method: "GET", url: "/gatesim/v1/identifiers/passport/E123" });
    expect(unknownType.statusCode).toBe(400);
    expect(unknownType.json()).toMatchObject({ errcode: 40005, _diagnostics: [{ location: "/params/type" }] });
    // a limit refusal says it in zh-CN first, English alongside
    const tooLong = await sim.app.inject({
      method: "GET",
      url: `/gatesim/v1/identifiers/gb11643-id/${"4".repeat(200)}`,
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()._diagnostics[0]).toMatchObject({
      location: "/params/value",
      message: "长度应不超过（字符） 128 / must NOT have more than 128 characters",
    });
  });
});
