/**
 * `npm run console:screenshot [-- FILE]`: the README's picture of the web
 * console. Starts the seed network of SPEC section 4 with the console on
 * (real processes from the compiled tree), makes it tell a little story
 * (agent-2 put in maintenance from the CLI, agent-3's agent killed so that
 * its host goes down, the route explorer asked where agent-4's
 * authorizations go now), and saves the page as it then is, 1280×900, to
 * docs/console.png (or FILE). Everything it started is stopped, and its
 * temp folders removed, also on failure.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { launchBrowser, openConsole, VIEWPORT } from "../test/support/browser.js";
import { startConsoleNetwork } from "../test/support/console-network.js";
import { until } from "../test/support/until.js";
import { Cleanup, REPO_ROOT } from "./lib/cairn-process.js";

const OUT = resolve(process.argv[2] ?? join(REPO_ROOT, "docs", "console.png"));
const WAIT_MS = 15_000;

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  try {
    const network = await startConsoleNetwork((action) => cleanup.add(action), () => cleanup.tempDir("cairn-screenshot-"));
    const browser = await launchBrowser((action) => cleanup.add(action));
    const { page, errors } = await openConsole(browser, network.url);
    for (const path of ["/subdomain-1", "/subdomain-1/subdomain-1a"]) {
      await page.locator(`[data-testid="toggle-${path}"]`).click();
      await page.locator(`[data-testid="domain-${path}"] table.hosts`).first().waitFor({ timeout: WAIT_MS });
    }
    const maintenance = await network.cli(["host", "maintenance", "agent-2", "on"]);
    if (maintenance.code !== 0) throw new Error(`cairn host maintenance: ${maintenance.stderr}`);
    await network.agents.get("agent-3")!.kill();
    await page.locator('#tree [data-testid="liveness-agent-3"]', { hasText: "down" }).waitFor({ timeout: WAIT_MS });
    await page.locator('[data-testid="route-from"]').fill("agent-4");
    await page.locator('[data-testid="route-type"]').selectOption("command-control");
    await page.locator('[data-testid="route-explain"]').click();
    await page.locator('[data-testid="route-result"][data-from="agent-4"] [data-testid="route-skipped"]').waitFor({ timeout: WAIT_MS });
    // The fleet view has polled at least once since the kill, so its ages are fresh.
    await page.locator('[data-testid="agent-agent-3"]').waitFor({ timeout: WAIT_MS });
    await until(async () => (await page.locator('[data-testid="notice"]').innerText()) === "", "no error shown", 3_000).catch(() => undefined);
    mkdirSync(dirname(OUT), { recursive: true });
    await page.screenshot({ path: OUT, clip: { x: 0, y: 0, ...VIEWPORT } });
    if (errors.length > 0) throw new Error(`the page reported errors: ${errors.join("; ")}`);
    console.log(`saved ${OUT}`);
  } finally {
    const problems = await cleanup.run();
    for (const problem of problems) console.error(`clean-up: ${problem}`);
  }
}

await main();
