/**
 * The console's writes with mTLS (SPEC 11, 14): over HTTPS with the
 * manager's certificate, the browser presenting a client certificate of
 * the CA. An admin/* identity is offered the writes and makes them from the
 * page, through the Registry service's own mutations; a viewer/* is offered
 * none and is refused one it posts; a browser without a certificate is not
 * served the console at all.
 */
import type { BrowserContext } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openConsole } from "../support/browser.js";
import { useDeferAll } from "../support/defer.js";
import { importRegistry } from "../support/fleet.js";
import type { CairnProcess } from "../support/process.js";
import { registryAs, startSecureManager } from "../support/secure-fleet.js";
import { loadSeed } from "../support/seed.js";
import { CHROMIUM, available } from "../support/system-packages.js";
import { useTempDirsAll } from "../support/temp-dir.js";
import { TestCa } from "../support/tls.js";
import type { TestRegistryClient } from "../support/manager.js";

describe.skipIf(!available(CHROMIUM))("the web console with mTLS", () => {
  const defer = useDeferAll();
  const tempDir = useTempDirsAll();
  let ca: TestCa;
  let manager: CairnProcess;
  let admin: TestRegistryClient;

  /** A browser presenting `identity`'s certificate to the console (the CA is not the browser's: its warnings are ignored). */
  async function browserAs(identity: string | undefined): Promise<BrowserContext> {
    const clientCertificates = identity ? [{ origin: manager.http, certPath: (await ca.files(identity)).cert, keyPath: (await ca.files(identity)).key }] : [];
    return launchBrowser(defer, { ignoreHTTPSErrors: true, clientCertificates });
  }

  beforeAll(async () => {
    ca = await TestCa.make(tempDir());
    manager = await startSecureManager(defer, ca, "framework-manager", tempDir(), { flags: ["--http", "127.0.0.1:0"] });
    expect(manager.http).toMatch(/^https:\/\//);
    admin = await registryAs(defer, ca, "admin/alice", manager.address);
    await importRegistry(admin, loadSeed());
  });

  it("lets an admin set maintenance and withdraw a package from the page", async () => {
    const { page, errors } = await openConsole(await browserAs("admin/alice"), manager.http);
    expect(await page.locator('[data-testid="fact-access"]').innerText()).toBe("admin/alice: may change the registry");
    await page.locator('[data-testid="toggle-/subdomain-1"]').click();

    const button = page.locator('[data-testid="action-maintenance-agent-2"]');
    expect(await button.innerText()).toContain("Start maintenance");
    await button.click();
    await page.locator('#tree [data-testid="maintenance-agent-2"] .badge.maint').waitFor({ timeout: 5_000 });
    expect(await page.locator('[data-testid="notice"]').innerText()).toMatch(/^revision \d+: host maintenance agent-2 on$/);
    expect((await admin.call("GetHost", { id: "agent-2" })).host?.maintenance).toBe(true);
    // The button now offers the way back, and keeps the keyboard focus through the row's redraw.
    await expect.poll(() => button.innerText()).toContain("End maintenance");
    await button.focus();
    await page.keyboard.press("Enter");
    await page.locator('#tree [data-testid="maintenance-agent-2"] .badge.maint').waitFor({ state: "detached", timeout: 5_000 });
    expect((await admin.call("GetHost", { id: "agent-2" })).host?.maintenance).toBe(false);

    await page.locator('[data-testid="action-withdraw-agent-1-command-control"]').click();
    await expect.poll(() => page.locator('[data-testid="pkg-agent-1-command-control"]').innerText()).toContain("withdrawn");
    expect((await admin.call("GetHost", { id: "agent-1" })).host?.packages[0]?.state).toBe("PACKAGE_STATE_WITHDRAWN");
    await page.locator('[data-testid="action-restore-agent-1-command-control"]').click();
    await expect.poll(() => page.locator('[data-testid="pkg-agent-1-command-control"]').innerText()).toContain("enabled");
    expect(errors).toEqual([]);
  });

  it("offers a viewer no write, and refuses one it posts with 403 naming the identity and the rule", async () => {
    const { page } = await openConsole(await browserAs("viewer/bob"), manager.http);
    expect(await page.locator('[data-testid="fact-access"]').innerText()).toBe("viewer/bob: read only");
    await page.locator('[data-testid="toggle-/subdomain-1"]').click();
    await page.locator('#tree [data-testid="host-agent-2"]').waitFor();
    expect(await page.locator("[data-action]").count()).toBe(0);

    const posted = (await page.evaluate(
      `fetch("/api/maintenance", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ host: "agent-2", on: true }) })
        .then(async (r) => ({ status: r.status, body: await r.json() }))`,
    )) as { status: number; body: { error: string } };
    expect(posted).toEqual({ status: 403, body: { error: "viewer/bob may not call SetMaintenance from the console: admin/* only" } });
    expect((await admin.call("GetHost", { id: "agent-2" })).host?.maintenance).toBe(false);
  });

  it("serves nothing but a refusal to a browser without a client certificate", async () => {
    const browser = await browserAs(undefined);
    const page = await browser.newPage();
    const response = await page.goto(manager.http);
    expect(response?.status()).toBe(401);
    expect(await page.locator("body").innerText()).toContain("needs a client certificate of this server's CA");
  });
});
