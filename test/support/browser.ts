/**
 * A real headless browser for the console tests, the console bench and the
 * screenshot: Debian's chromium (never a downloaded one) driven by
 * playwright-core, each context in a fresh user-data folder, closed and
 * removed by the caller's clean-up.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { CHROMIUM, installed } from "./system-packages.js";

/** The flags of the issue: headless, no sandbox (containers), and nothing that phones home. */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const VIEWPORT = { width: 1280, height: 900 };

/** Starts chromium with a fresh profile; `cleanup` gets what closes it and removes the profile. */
export async function launchBrowser(cleanup: (action: () => Promise<void> | void) => void, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const executablePath = installed(CHROMIUM) ?? "/usr/bin/chromium";
  const profile = mkdtempSync(join(tmpdir(), "cairn-chromium-"));
  cleanup(() => rmSync(profile, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(profile, { executablePath, args: CHROMIUM_ARGS, viewport: VIEWPORT, ...options });
  cleanup(() => context.close());
  return context;
}

/** A page of the console at `url`, once it has drawn the root of the tree; page errors are collected for the test to check. */
export async function openConsole(context: BrowserContext, url: string, timeoutMs = 10_000): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url, { timeout: timeoutMs });
  await page.locator("body[data-ready=true]").waitFor({ timeout: timeoutMs });
  return { page, errors };
}
