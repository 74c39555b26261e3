import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { spawnListening } from './process.ts';

const BIN = new URL('../../bin/yournet.mjs', import.meta.url).pathname;
const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * Debian's Chromium, headless. Playwright gives each launch a fresh temporary profile, and each
 * context is isolated (storage, cookies); the temporary directory holds downloads.
 */
export async function launchBrowser(): Promise<{
  browser: Browser;
  newContext: (viewport?: { width: number; height: number }) => Promise<BrowserContext>;
  close: () => Promise<void>;
}> {
  const downloads = mkdtempSync(join(tmpdir(), 'yournet-chromium-'));
  const browser = await chromium.launch({
    downloadsPath: downloads,
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    newContext: async (viewport = DESKTOP) => {
      const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'en-GB' });
      context.setDefaultTimeout(15_000);
      return context;
    },
    close: async () => {
      await browser.close();
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}

export type LaunchedBrowser = Awaited<ReturnType<typeof launchBrowser>>;

/**
 * A fresh browser with one context (desktop unless `viewport`) and its page, whose uncaught
 * errors are collected in `errors`. The browser is closed again if the context or page fails.
 */
export async function openPage(viewport?: { width: number; height: number }): Promise<{
  browser: LaunchedBrowser;
  context: BrowserContext;
  page: Page;
  errors: string[];
}> {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext(viewport);
    const page = await context.newPage();
    return { browser, context, page, errors: watchErrors(page) };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Saves a screenshot under test-results/screenshots/ (git-ignored) for a person to look at. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** Collects the page's uncaught errors, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export interface AppProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** `yournet app --node <url> --port 0` as a real process (the tutorial's app on port 5000). */
export async function startAppProcess(nodeUrl: string): Promise<AppProcess> {
  const { child, url, exited } = await spawnListening(
    'app',
    [BIN, 'app', '--node', nodeUrl, '--port', '0', '--host', '127.0.0.1'],
    15_000,
  );
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** POST JSON to a node, as curl would (the tutorial's form or the API). */
export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

/**
 * Polls `find` every 100 ms for up to 5 s. The app shows a post (pending) before the node has
 * stored it, so a test that reads the node after the page must wait for the node too.
 */
export async function eventually<T>(find: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let i = 0; i < 50; i++) {
    const found = await find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}
