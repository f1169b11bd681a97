/**
 * The web console (SPEC 14) in a real headless chromium, on the seed
 * network of real processes: the tree with liveness in words, CLI writes
 * and agent deaths reaching the page live, the route explorer giving the
 * seed table's answers, a cut event stream resumed by Last-Event-ID
 * without a lost change, and no write at all on an insecure manager.
 */
import type { BrowserContext, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openConsole } from "../support/browser.js";
import { startConsoleNetwork, type ConsoleNetwork } from "../support/console-network.js";
import { FAST_LIVENESS } from "../support/fleet.js";
import { startCairn } from "../support/process.js";
import { useDeferAll } from "../support/defer.js";
import { expectedFor, NEW_SUBDOMAIN_MANAGER, SEED_AGENTS, SEED_ROWS } from "../support/seed.js";
import { CHROMIUM, available } from "../support/system-packages.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { useTempDirsAll } from "../support/temp-dir.js";

const SUBDOMAIN = "/subdomain-1";
const SUBDOMAIN_1A = "/subdomain-1/subdomain-1a";
const SEED_HOSTS = ["framework-manager", ...SEED_AGENTS];

/** Opens the seed's two subdomains (the root is open from the start). */
async function openSeedTree(page: Page): Promise<void> {
  for (const path of [SUBDOMAIN, SUBDOMAIN_1A]) {
    await page.locator(`[data-testid="toggle-${path}"]`).click();
    await page.locator(`[data-testid="domain-${path}"] table.hosts`).first().waitFor({ timeout: 5_000 });
  }
}

const text = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"]`).first().innerText();

/** The revision a CLI write printed (`revision N`). */
function revisionOf(stdout: string): number {
  const match = /revision (\d+)/.exec(stdout);
  if (!match) throw new Error(`no revision in ${JSON.stringify(stdout)}`);
  return Number(match[1]);
}

async function cliOk(network: ConsoleNetwork, args: readonly string[]): Promise<string> {
  const result = await network.cli(args);
  expect(result.stderr, `cairn ${args.join(" ")}`).toBe("");
  expect(result.code).toBe(0);
  return result.stdout;
}

/** The first candidate the page's route explorer shows from `from` to command-control. */
async function firstCandidate(page: Page, from: string): Promise<string | null> {
  await page.locator('[data-testid="route-from"]').fill(from);
  await page.locator('[data-testid="route-type"]').selectOption("command-control");
  await page.locator('[data-testid="route-explain"]').click();
  await page.locator(`[data-testid="route-result"][data-from="${from}"]`).waitFor({ timeout: 5_000 });
  const first = page.locator('[data-testid="route-candidate"]').first();
  return (await first.count()) > 0 ? first.getAttribute("data-host") : null;
}

describe.skipIf(!available(CHROMIUM))("the web console on the seed network", () => {
  const defer = useDeferAll();
  const tempDir = useTempDirsAll();
  let network: ConsoleNetwork;
  let browser: BrowserContext;

  beforeAll(async () => {
    network = await startConsoleNetwork(defer, tempDir);
    browser = await launchBrowser(defer);
  });

  it("shows the seed tree: every host with its liveness in words (and colours), its packages, and the counts", async () => {
    const { page, errors } = await openConsole(browser, network.url);
    await openSeedTree(page);
    for (const host of SEED_HOSTS) {
      const badge = page.locator(`#tree [data-testid="liveness-${host}"]`);
      await expect.poll(() => badge.innerText()).toBe("up");
      expect(await badge.getAttribute("class")).toContain("up");
    }
    expect(await text(page, "pkg-agent-1-command-control")).toMatch(/command-control\s*:\d+\s*enabled, healthy/);
    expect(await text(page, "pkg-framework-manager-registry")).toContain("primary");
    expect(await text(page, "host-agent-2")).toContain("no packages");
    expect(await text(page, "counts-/")).toMatch(/5 hosts\s*5 up\s*0 down\s*0 unknown\s*0 in maintenance/);
    expect(await text(page, `counts-${SUBDOMAIN_1A}`)).toMatch(/2 hosts\s*2 up/);
    // Tables a screen reader can read: column headers, and each host a row header.
    expect(await page.locator("#tree table.hosts thead th[scope=col]").first().innerText()).toBe("Host");
    expect(await page.locator('#tree th[scope=row] .host-id').allInnerTexts()).toEqual(expect.arrayContaining(SEED_HOSTS));
    expect(await text(page, "managers")).toMatch(/framework-manager[\s\S]*primary/);
    expect(errors).toEqual([]);
  });

  it("shows a `cairn host maintenance` from the CLI within 1 s, without reloading", async () => {
    const { page, errors } = await openConsole(browser, network.url);
    await openSeedTree(page);
    await page.evaluate("window.__sameDocument = 'yes'");
    const revision = revisionOf(await cliOk(network, ["host", "maintenance", "agent-2", "on"]));
    const acknowledged = Date.now();
    await page.locator('#tree [data-testid="maintenance-agent-2"] .badge.maint').waitFor({ timeout: 1_000 });
    expect(Date.now() - acknowledged).toBeLessThan(1_000);
    expect(await page.evaluate("window.__sameDocument")).toBe("yes");
    expect(await text(page, `counts-${SUBDOMAIN}`)).toContain("1 in maintenance");
    expect(await text(page, "counts-/")).toContain("1 in maintenance");
    expect(await text(page, `feed-${revision}`)).toContain("host maintenance agent-2 on");

    await cliOk(network, ["host", "maintenance", "agent-2", "off"]);
    await expect.poll(() => text(page, `counts-${SUBDOMAIN}`)).toContain("0 in maintenance");
    expect(errors).toEqual([]);
  });

  it("resumes a cut event stream with Last-Event-ID: the changes made while it was cut arrive, none lost", async () => {
    const proxy = await TcpProxy.start(new URL(network.url).host);
    defer(() => proxy.close());
    const { page } = await openConsole(browser, `http://${proxy.address}/`);
    await openSeedTree(page);
    await expect.poll(() => text(page, "live")).toBe("live");

    proxy.cut();
    await expect.poll(() => text(page, "live")).toBe("reconnecting");
    const withdrawn = revisionOf(await cliOk(network, ["package", "withdraw", "agent-1", "command-control"]));
    const maintained = revisionOf(await cliOk(network, ["host", "maintenance", "agent-4", "on"]));
    expect(await page.locator(`[data-testid="feed-${withdrawn}"]`).count()).toBe(0);

    proxy.restore();
    // Sent again from the log ("caught up"), not reloaded: the stream resumed from the revision it had.
    for (const revision of [withdrawn, maintained]) {
      await page.locator(`[data-testid="feed-${revision}"]`).waitFor({ timeout: 10_000 });
      expect(await text(page, `feed-${revision}`)).toContain("caught up");
    }
    await expect.poll(() => text(page, "pkg-agent-1-command-control")).toContain("withdrawn");
    await page.locator('#tree [data-testid="maintenance-agent-4"] .badge.maint').waitFor({ timeout: 5_000 });
    await expect.poll(() => text(page, "counts-/")).toContain("1 in maintenance");
    expect(await text(page, "live")).toBe("live");

    await cliOk(network, ["package", "restore", "agent-1", "command-control"]);
    await cliOk(network, ["host", "maintenance", "agent-4", "off"]);
    await expect.poll(() => text(page, "pkg-agent-1-command-control")).toContain("enabled");
  });

  it("offers no write on an insecure manager, and refuses a posted one with 403 and the reason", async () => {
    const { page } = await openConsole(browser, network.url);
    await openSeedTree(page);
    expect(await page.locator("[data-action]").count()).toBe(0);
    expect(await page.locator("#promote").isHidden()).toBe(true);
    expect(await text(page, "fact-access")).toContain("read only");

    const posted = (await page.evaluate(
      `fetch("/api/maintenance", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ host: "agent-2", on: true }) })
        .then(async (r) => ({ status: r.status, body: await r.json() }))`,
    )) as { status: number; body: { error: string } };
    expect(posted.status).toBe(403);
    expect(posted.body.error).toMatch(/^this console is read-only: the manager runs without TLS/);
    for (const kind of ["withdraw", "restore", "promote"]) {
      const response = await fetch(`${network.url}/api/${kind}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(response.status, kind).toBe(403);
    }
    const host = await network.registry.call("GetHost", { id: "agent-2" });
    expect(host.host?.maintenance).toBe(false);
  });

  it("on a backup: shows its role and primary, names the primary for the fleet view, and the primary's console shows the backup's lag", async () => {
    const backup = await startCairn(defer, ["manager", "start", "--host", "backup-1", "--data", tempDir(), "--listen", "127.0.0.1:0", "--join", network.manager.address, "--http", "127.0.0.1:0", ...FAST_LIVENESS]);
    const { page, errors } = await openConsole(browser, backup.http);
    expect(await text(page, "fact-role")).toBe("backup");
    await expect.poll(() => text(page, "agents-note")).toBe(`the primary has the fleet view: ${network.manager.address}`);
    expect(await text(page, "manager-framework-manager")).toMatch(/framework-manager\s+127\.0\.0\.1:\d+\s+primary/);
    // A backup's tree is the primary's registry, live: a write on the primary reaches its page.
    await openSeedTree(page);
    await cliOk(network, ["host", "maintenance", "agent-1", "on"]);
    await page.locator('#tree [data-testid="maintenance-agent-1"] .badge.maint').waitFor({ timeout: 5_000 });
    await cliOk(network, ["host", "maintenance", "agent-1", "off"]);

    const primary = await openConsole(browser, network.url);
    await expect.poll(() => text(primary.page, "manager-backup-1"), { timeout: 5_000 }).toMatch(/backup-1[\s\S]*backup[\s\S]*0 revisions behind\s+connected/);
    expect([...errors, ...primary.errors]).toEqual([]);
  });
});

describe.skipIf(!available(CHROMIUM))("the web console while hosts fail", () => {
  const defer = useDeferAll();
  const tempDir = useTempDirsAll();

  it("turns a host down when its agent is SIGKILLed, and its route explorer gives the seed table's answers", async () => {
    const network = await startConsoleNetwork(defer, tempDir);
    const browser = await launchBrowser(defer);
    const { page, errors } = await openConsole(browser, network.url);
    await openSeedTree(page);
    const liveness = (host: string) => page.locator(`#tree [data-testid="liveness-${host}"]`).innerText();
    const checkRow = async (row: (typeof SEED_ROWS)[number]) => {
      for (const agent of SEED_AGENTS) {
        await expect.poll(() => firstCandidate(page, agent), { message: `${row.situation}: ${agent} asks`, timeout: 5_000 }).toBe(expectedFor(row, agent));
      }
    };
    const down = async (host: string) => {
      await network.agents.get(host)!.kill();
      await expect.poll(() => liveness(host), { message: `${host} down in the page`, timeout: 8_000 }).toBe("down");
      expect(await page.locator(`#tree [data-testid="liveness-${host}"]`).getAttribute("class")).toContain("down");
    };

    await checkRow(SEED_ROWS[0]!);
    await down("agent-3");
    expect(await text(page, `counts-${SUBDOMAIN_1A}`)).toMatch(/1 up\s*1 down/);
    await checkRow(SEED_ROWS[1]!);
    await down("agent-1");
    await checkRow(SEED_ROWS[2]!);

    await cliOk(network, ["package", "rm", "framework-manager", "command-control"]);
    await network.startAgent("agent-3");
    await expect.poll(() => liveness("agent-3"), { timeout: 8_000 }).toBe("up");
    await checkRow(SEED_ROWS[3]!);

    await down("agent-3");
    await cliOk(network, ["domain", "add", "/subdomain-2"]);
    await cliOk(network, ["host", "add", NEW_SUBDOMAIN_MANAGER, "--domain", "/subdomain-2"]);
    await cliOk(network, ["package", "deploy", NEW_SUBDOMAIN_MANAGER, "command-control", "--port", "7651"]);
    // The new subdomain shows up under the open root without a reload.
    await page.locator('[data-testid="domain-/subdomain-2"]').waitFor({ timeout: 5_000 });
    await checkRow(SEED_ROWS[4]!);
    expect(errors).toEqual([]);
  });
});
