// Identity scenarios as a relying party sees them: forced login refusals come back to the redirect_uri as OAuth
// errors with the state untouched; an unavailable platform answers in the OAuth envelope.
import { describe, expect, it } from "vitest";
import { makeSim } from "../helpers.js";

describe("identity scenarios over HTTP", () => {
  for (const [scenario, code] of [
    ["identity.login-cancelled", "login_cancelled"],
    ["identity.account-locked", "account_locked"],
    ["identity.level-insufficient", "level_insufficient"],
  ] as const) {
    it(`${scenario} redirects back with error=access_denied and the state untouched`, async () => {
      const sim = await makeSim();
      const q = new URLSearchParams({
        client_id: "tyrz_C90-44050001_web",
        redirect_uri: "http://127.0.0.1:3000/callback",
        response_type: "code",
        scope: "openid",
        state: "s-123",
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        code_challenge_method: "S256",
      });
      const res = await sim.app.inject({
        method: "GET",
        url: `/oidc/authorize?${q}`,
        headers: { "x-gatesim-scenario": scenario },
      });
      expect(res.statusCode).toBe(302);
      const loc = new URL(res.headers.location as string);
      expect(`${loc.origin}${loc.pathname}`).toBe("http://127.0.0.1:3000/callback");
      expect(loc.searchParams.get("error")).toBe("access_denied");
      expect(loc.searchParams.get("state")).toBe("s-123");
      expect(loc.searchParams.get("error_description")).toBeTruthy();
      expect(res.body).not.toContain(code === "login_cancelled" ? "client_secret" : "secret");
      // without the header the same request shows the persona page
      const normal = await sim.app.inject({ method: "GET", url: `/oidc/authorize?${q}` });
      expect(normal.statusCode).toBe(200);
      expect(normal.headers["content-type"]).toContain("text/html");
    });
  }

  it("identity.unavailable answers in the OAuth envelope", async () => {
    const sim = await makeSim();
    const res = await sim.app.inject({
      method: "GET",
      url: "/.well-known/openid-configuration",
      headers: { "x-gatesim-scenario": "identity.unavailable" },
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(500);
    expect(res.json()).toMatchObject({ error: "temporarily_unavailable" });
  });
});
