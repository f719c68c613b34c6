// In-process use: startSimulator for a test framework's global setup, and the msw adapter (no server at all).
import { setupServer } from "msw/node";
import { describe, expect, it } from "vitest";
import { startSimulator } from "../../gateway/index.js";
import { createMswHandlers } from "../../gateway/msw-adapter.js";
import { signedHeaders } from "../../mocks/gateway/tif-signature.js";

describe("startSimulator", () => {
  it("listens on a free port and hands out signed test apps", async () => {
    const sim = await startSimulator();
    try {
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const app = sim.apps[0];
      const res = await fetch(`${sim.url}/GatewayMsg/http/api/proxy/invoke`, {
        method: "POST",
        headers: { ...app.sign({ serviceId: "C0000000000001" }), "content-type": "application/json" },
        body: JSON.stringify({ q: 1 }),
      });
      expect(res.status).toBe(200);
      expect((await res.json()).data).toMatchObject({ paasid: app.paasid, body: { q: 1 } });
      const refused = await fetch(`${sim.url}/ebus/gatesim/ping`);
      expect(refused.status).toBe(400);
      expect(refused.headers.get("x-gatesim-trace-id")).toBeTruthy();
    } finally {
      await sim.close();
    }
  });
});

describe("msw adapter", () => {
  it("answers intercepted fetches exactly as the server would", async () => {
    const base = "https://ztn-data.gdgov.cn:8581";
    const sim = createMswHandlers(base, { config: { adminToken: "msw-admin-token-123456" } });
    const server = setupServer(...sim.handlers);
    server.listen({ onUnhandledRequest: "error" });
    try {
      const t = sim.runtime.tenants.get("C90-44050001")!;
      const ok = await fetch(`${base}/GatewayMsg/http/api/proxy/invoke`, {
        method: "POST",
        headers: {
          ...signedHeaders(t.tenant.paasid, t.tenant.paasToken, { serviceId: "C0000000000001" }),
          "content-type": "application/json",
        },
        body: JSON.stringify({ 查询: "汕头" }),
      });
      expect(ok.status).toBe(200);
      expect((await ok.json()).data.body).toEqual({ 查询: "汕头" });
      const replay = signedHeaders(t.tenant.paasid, t.tenant.paasToken, { nonce: "same-nonce" });
      expect((await fetch(`${base}/ebus/gatesim/ping`, { headers: replay })).status).toBe(200);
      const again = await fetch(`${base}/ebus/gatesim/ping`, { headers: replay });
      expect(again.status).toBe(400);
      expect((await again.json()).errcode).toBe(40003);
      const journal = await fetch(`${base}/_gatesim/tenants/C90-44050001/journal`, {
        headers: { authorization: "Bearer msw-admin-token-123456" },
      }).then((r) => r.json());
      expect(journal.total).toBe(3);
    } finally {
      server.close();
    }
  });
});
