/**
 * Browser tests: Debian's Chromium (`/usr/bin/chromium`, installed by `.ci/run`) driven by
 * playwright-core, the web console served for a test platform, and screenshots kept as artifacts.
 *
 *   const browser = useBrowser();                 // one Chromium per suite, a fresh context per test
 *   let platform: TestPlatform, web: TestConsole;
 *   beforeAll(async () => { platform = await startPlatform(); web = await startTestConsole(platform); });
 *   afterAll(async () => { await web?.stop(); await platform?.stop(); });
 *   it("...", async () => { const page = browser.page(); await page.goto(web.url); ... });
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startConsoleServer, type BrowserConfig, type SignInSettings } from "@mcp/console-server";
import { createLogger } from "@mcp/runtime";
import { requireConsoleBuild } from "./console-build";
import type { TestPlatform } from "./platform";

export const CHROMIUM_PATH = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/** Headless, and quiet: no GPU, no QUIC, no first-run, update, sync or background traffic. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where screenshots go (gitignored); printed when one is saved. */
export const ARTIFACTS_DIR = resolve(__dirname, "../artifacts");

/** Starts Chromium (its own temporary profile, removed on close). Close it in `afterAll`. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install -y --no-install-recommends chromium, ` +
        "as .ci/run does) or set CHROMIUM_PATH",
    );
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/** A page in a fresh, isolated context (no cookies, storage or cache shared with other tests). */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // generous: a loaded machine renders and answers slowly; a wait for what never comes still fails
  context.setDefaultTimeout(45_000);
  return context.newPage();
}

/**
 * Registers jest hooks: one Chromium for the suite (closed in `afterAll`, even when a test or a
 * hook failed) and a fresh context and page for each test (closed after it). `page()` is the
 * current test's page; `browser()` the suite's Chromium.
 */
export function useBrowser(): { browser(): Browser; page(): Page } {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    if (!browser) throw new Error("Chromium did not start (see beforeAll)");
    page = await newPage(browser);
    context = page.context();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    page = undefined;
  });
  return {
    browser: () => {
      if (!browser) throw new Error("Chromium is not running");
      return browser;
    },
    page: () => {
      if (!page) throw new Error("no page: call page() inside a test");
      return page;
    },
  };
}

/** The console served for a test: its origin and the `/config.json` it serves. */
export interface TestConsole {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly config: BrowserConfig;
  stop(): Promise<void>;
}

/**
 * Serves the built console (`console/dist`, built by jest's globalSetup) on a free port, with a
 * `/config.json` pointing at the platform's services (or at `services`, when given), and naming the
 * OpenID provider when `options.signIn` is given.
 */
export async function startTestConsole(
  platform: TestPlatform | undefined,
  services?: BrowserConfig,
  options: { signIn?: SignInSettings } = {},
): Promise<TestConsole> {
  const distDir = requireConsoleBuild();
  const executor = platform?.executors[0];
  const config: BrowserConfig = services ?? {
    registryUrl: platform?.registry.url ?? "",
    workflowsUrl: platform?.workflows.server.url ?? "",
    executorUrl: executor?.server.url ?? "",
  };
  if (!config.registryUrl || !config.workflowsUrl || !config.executorUrl)
    throw new Error("startTestConsole needs a platform with an executor, or the three service URLs");
  const server = await startConsoleServer({
    host: "127.0.0.1",
    port: 0,
    distDir,
    services: {
      registryUrl: { url: config.registryUrl, explicit: true },
      workflowsUrl: { url: config.workflowsUrl, explicit: true },
      executorUrl: { url: config.executorUrl, explicit: true },
    },
    ...(options.signIn ? { signIn: options.signIn } : {}),
    logger: createLogger({ service: "console", level: process.env["TEST_LOG_LEVEL"] ?? "silent" }),
    graceMs: 500,
  });
  return { url: server.url, config, stop: () => server.stop() };
}

/** Saves a full-page screenshot as `tests/artifacts/<name>.png`, prints and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^A-Za-z0-9._-]+/g, "-")}.png`);
  await page.screenshot({ path, fullPage: true });
  process.stderr.write(`screenshot: ${path}\n`);
  return path;
}
