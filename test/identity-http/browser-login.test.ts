// A real browser (headless Chromium driven by playwright-core) logs in through the persona page: authorize URL →
// persona page → click a persona → the relying party's redirect with a code, which then redeems (issue 3 "Done when").
import { requireTool } from "../system-tool.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  personasOf,
  pick,
  registerClient,
  startRp,
  startSim,
  type IdentityClientView,
  type Sim,
  type TestRp,
} from "./http-helpers.js";
import { testDir } from "../temp-dir.js";

const CHROMIUM = "/usr/bin/chromium";
requireTool(existsSync(CHROMIUM), "chromium (drives the login page)", "chromium");
/** Where the persona page's screenshot goes (docs/identity-login.png is a copy of it): GATESIM_SCREENSHOT_DIR or a temp dir. */
const screenshotDir = (): string => process.env.GATESIM_SCREENSHOT_DIR ?? testDir("gatesim-identity-");

// Skipped when /usr/bin/chromium is absent: Debian's `chromium` package provides it (.ci/run installs it); playwright's
// own browser download is not used.
describe("browser login through the persona page (headless Chromium)", () => {
  let sim: Sim;
  let rp: TestRp;
  let browser: Browser;
  let client: IdentityClientView;

  beforeAll(async () => {
    sim = await startSim();
    rp = await startRp();
    client = await registerClient(sim, {
      clientId: "browser_rp",
      name: "浏览器测试应用 / Browser test RP",
      redirectUris: [rp.callback],
      requiredLevel: "L2",
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await sim?.close();
  });

  it("shows the persona page, a click lands on the RP's callback with code and state, and the code redeems", async () => {
    const who = pick(await personasOf(sim), "L3");
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: "zh-CN" });
    const authorize = `${sim.url}/tif/sso/connect/page/oauth2/authorize?${new URLSearchParams({ service: "initService", response_type: "code", client_id: client.clientId, scope: "all", redirect_uri: rp.callback, state: "浏览器-1" })}`;
    const res = await page.goto(authorize);
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toContain("统一身份认证");
    expect(await page.locator("h1").innerText()).toContain("Unified identity");
    expect(await page.locator("body").innerText()).toContain(client.clientId);
    await page.screenshot({ path: join(screenshotDir(), "identity-login.png"), fullPage: false });

    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(rp.callback)),
      page.locator(`button[data-persona="${who.id}"]`).click(),
    ]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get("state")).toBe("浏览器-1");
    const code = landed.searchParams.get("code")!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(await page.locator("h1").innerText()).toContain("Back at the relying party");
    // the RP's server saw the same callback
    const cb = await rp.next("/callback");
    expect(new URLSearchParams(cb.url.split("?")[1]).get("code")).toBe(code);
    // the browser now holds the SSO cookie (HttpOnly, for the simulator's host)
    const cookies = await page.context().cookies(sim.url);
    expect(cookies.find((c) => c.name === "gatesim_sso")).toMatchObject({ httpOnly: true, sameSite: "Lax" });

    const tok = await sim.get(
      `/tif/sso/connect/page/oauth2/access_token?${new URLSearchParams({ client_id: client.clientId, client_secret: client.secret!, code, redirect_uri: rp.callback, grant_type: "authorization_code" })}`,
    );
    expect(tok.status).toBe(200);
    const info = await sim.get(
      `/tif/sso/connect/page/oauth2/tokeninfo?access_token=${((await tok.json()) as { access_token: string }).access_token}`,
    );
    expect(((await info.json()) as any).userobj).toMatchObject({ cn: who.name, creditable_level_of_account: "L3" });
    await page.close();
  });

  it("the cancel button brings the browser back to the RP with access_denied", async () => {
    const page = await browser.newPage();
    await page.goto(
      `${sim.url}/oidc/authorize?${new URLSearchParams({ response_type: "code", client_id: client.clientId, scope: "openid", redirect_uri: rp.callback, state: "c" })}`,
    );
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(rp.callback)),
      page.locator('button[value="cancel"]').click(),
    ]);
    const landed = new URL(page.url());
    expect([landed.searchParams.get("error"), landed.searchParams.get("state")]).toEqual(["access_denied", "c"]);
    await page.close();
  });
});
