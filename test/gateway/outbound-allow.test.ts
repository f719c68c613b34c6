// outbound.allowHosts through the whole simulator: config (file/env) → data-sharing providers and webhooks, identity
// back-channel logout. A shared simulator must not be made to send requests wherever a tenant says (SSRF).
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../gateway/config.js";
import { admin, makeSim, tif } from "../helpers.js";

describe("outbound.allowHosts", () => {
  it("is read from GATESIM_OUTBOUND_ALLOW_HOSTS (comma-separated); default any host", () => {
    expect(loadConfig({ env: {} }).outbound.allowHosts).toEqual(["*"]);
    expect(loadConfig({ env: { GATESIM_OUTBOUND_ALLOW_HOSTS: "127.0.0.1, *.st.gov.cn" } }).outbound.allowHosts).toEqual(
      ["127.0.0.1", "*.st.gov.cn"],
    );
  });

  it("refuses webhooks and back-channel logout URIs outside the list, with the reason and the fix", async () => {
    const sim = await makeSim({ overrides: { outbound: { allowHosts: ["127.0.0.1", "*.st.gov.cn"] } } });
    const t = sim.tenant();
    const subscribe = (webhookUrl: string) =>
      sim.app.inject({
        method: "POST",
        url: "/ebus/datashare/v1/subscriptions",
        headers: { ...tif(t), "content-type": "application/json" },
        payload: JSON.stringify({ serviceId: "C1534277412332", webhookUrl }),
      });

    // a password in the URL is not echoed back, nor kept in the journal
    const withPassword = await subscribe("http://svc:pa55word@evil.example.com/hook");
    expect(withPassword.statusCode).toBe(400);
    expect(withPassword.body).not.toContain("pa55word");
    const j = await sim.app.inject({ method: "GET", url: "/_gatesim/tenants/C90-44050001/journal", headers: admin });
    expect(j.body).toContain("evil.example.com");
    expect(j.body).not.toContain("pa55word");

    const metadata = await subscribe("http://169.254.169.254/latest/meta-data");
    expect(metadata.statusCode).toBe(400);
    expect(metadata.json()._diagnostics).toEqual([
      expect.objectContaining({
        location: "/webhookUrl",
        message: expect.stringContaining("outbound.allowHosts"),
        hint: expect.stringContaining("GATESIM_OUTBOUND_ALLOW_HOSTS"),
      }),
    ]);
    // an allowed host passes the URL check (and is then refused for the missing grant, not for the address)
    const local = await subscribe("http://127.0.0.1:9/hook");
    expect(local.statusCode).toBe(403);
    expect(JSON.stringify(local.json())).not.toContain("outbound.allowHosts");

    const client = (backchannelLogoutUri: string) =>
      sim.app.inject({
        method: "POST",
        url: "/_gatesim/identity/tenants/C90-44050001/clients",
        headers: { ...admin, "content-type": "application/json" },
        payload: JSON.stringify({
          clientId: `rp_${backchannelLogoutUri.length}`,
          redirectUris: ["https://rp.st.gov.cn/cb"],
          backchannelLogoutUri,
        }),
      });
    const evil = await client("http://evil.example.com/bc");
    expect(evil.statusCode).toBe(400);
    expect(JSON.stringify(evil.json())).toContain("outbound.allowHosts");
    expect((await client("https://rp.st.gov.cn/backchannel")).statusCode).toBe(201);
  });

  it("allows any host by default", async () => {
    const sim = await makeSim();
    const res = await sim.app.inject({
      method: "POST",
      url: "/_gatesim/identity/tenants/C90-44050001/clients",
      headers: { ...admin, "content-type": "application/json" },
      payload: JSON.stringify({
        clientId: "rp_any",
        redirectUris: ["https://rp.example.com/cb"],
        backchannelLogoutUri: "http://evil.example.com/bc",
      }),
    });
    expect(res.statusCode).toBe(201);
  });
});
