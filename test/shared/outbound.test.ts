// outbound.allowHosts: which addresses the simulator itself may call (providers, webhooks, back-channel logout).
import { describe, expect, it } from "vitest";
import { outboundPolicy, withoutUrlPassword } from "../../mocks/shared/outbound.js";

describe("outbound policy", () => {
  it("allows any http(s) URL by default, and never other schemes or relative URLs", () => {
    const p = outboundPolicy();
    expect(p.refusal("https://dept.example.gov.cn/api")).toBeNull();
    expect(p.refusal("http://10.1.2.3:8080/hook")).toBeNull();
    expect(p.refusal("file:///etc/passwd")?.message).toContain("http(s)");
    expect(p.refusal("/relative")?.message).toContain("absolute URL");
  });

  it("with a list: names, sub-domain wildcards, IP literals and CIDRs; nothing else", () => {
    const p = outboundPolicy(["provider.internal", "*.st.gov.cn", "127.0.0.1", "::1", "10.20.0.0/16", "fd00::/8"]);
    for (const ok of [
      "http://provider.internal/x",
      "http://PROVIDER.internal:9000/x",
      "https://data.st.gov.cn/api",
      "http://127.0.0.1:3000/",
      "http://[::1]:3000/",
      "http://10.20.30.40/",
      "http://[fd00::5]/",
    ])
      expect(p.refusal(ok), ok).toBeNull();
    for (const no of [
      "http://evil.example.com/",
      "http://st.gov.cn.evil.com/",
      "http://127.0.0.2/",
      "http://10.21.0.1/",
      "http://169.254.169.254/latest/meta-data",
      "http://localhost/",
      "http://[fe80::1]/",
    ]) {
      const r = p.refusal(no);
      expect(r, no).not.toBeNull();
      expect(r!.message).toContain("outbound.allowHosts");
      expect(r!.hint).toContain("GATESIM_OUTBOUND_ALLOW_HOSTS");
    }
  });
});

describe("withoutUrlPassword", () => {
  it("hides the password of a URL's user-info and leaves everything else alone", () => {
    expect(withoutUrlPassword("https://dept:s3cret@provider.st.gov.cn/api?x=1")).toBe(
      "https://dept:[REDACTED]@provider.st.gov.cn/api?x=1",
    );
    expect(withoutUrlPassword("http://user@host/")).toBe("http://user@host/");
    expect(withoutUrlPassword("http://host/path:with@at")).toBe("http://host/path:with@at");
    expect(withoutUrlPassword("陈晓华 / a:b@c")).toBe("陈晓华 / a:b@c");
  });
});
