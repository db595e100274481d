/** The app as every E2E test opens it: the built web shell in Debian's Chromium, console errors collected. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from '../browser';
import { startBuiltWebShell, type RunningShell } from '../web-shell';

/** Screenshots land here (the folder is ignored by git). */
export const RESULTS = join(import.meta.dirname, '..', '..', '..', 'test-results');

export interface OpenedApp {
  shell: RunningShell;
  browser: Browser;
  page: Page;
}

/** Starts a shell and a browser page on it; console and page errors go into `consoleErrors`. */
export async function openApp(consoleErrors: string[], pageOptions: BrowserContextOptions = { viewport: { width: 1200, height: 800 } }): Promise<OpenedApp> {
  await mkdir(RESULTS, { recursive: true });
  const shell = await startBuiltWebShell();
  const browser = await launchChromium();
  const page = await browser.newPage(pageOptions);
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(shell.url);
  return { shell, browser, page };
}
