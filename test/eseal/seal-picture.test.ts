import { describe, expect, it } from "vitest";
import { renderSealSvg } from "../../mocks/eseal/index.js";

describe("seal picture (SVG)", () => {
  const svg = renderSealSvg({ orgName: "汕头市龙湖区<测试>&公司", typeName: "合同专用章", code: "4405070000001" });

  it("is 42 mm across by default, in mm, and scales", () => {
    expect(svg).toMatch(/<svg[^>]+width="42mm" height="42mm"/);
    expect(renderSealSvg({ orgName: "x", diameterMm: 38 })).toMatch(/width="38mm" height="38mm"/);
  });

  it("has a red ring, the name on an arc, a five-pointed star and the type name", () => {
    expect(svg).toMatch(/<circle[^>]+fill="none" stroke="#e60012"/);
    expect(svg).toMatch(
      /<textPath href="#name-arc" xlink:href="#name-arc"[^>]*>汕头市龙湖区&lt;测试&gt;&amp;公司<\/textPath>/,
    );
    const star = /<polygon points="([^"]+)"/.exec(svg)![1].trim().split(" ");
    expect(star).toHaveLength(10);
    expect(svg).toMatch(/<text[^>]+text-anchor="middle">合同专用章<\/text>/);
    expect(svg).toContain(">4405070000001</textPath>");
  });

  it("is well-formed XML with the special characters escaped", () => {
    expect(svg).not.toMatch(/<测试>/);
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });

  it("shrinks the font for long names so the arc never exceeds 250°", () => {
    const size = (name: string) =>
      Number(/<text font-size="([\d.]+)"><textPath href="#name-arc"/.exec(renderSealSvg({ orgName: name }))![1]);
    expect(size("汕头市人民政府")).toBe(58);
    expect(size("广东省汕头市潮南区某某某某某某某农业发展专业合作社联合社")).toBeLessThan(30);
  });

  it("is deterministic", () => {
    expect(renderSealSvg({ orgName: "甲", typeName: "乙" })).toBe(renderSealSvg({ orgName: "甲", typeName: "乙" }));
  });
});
