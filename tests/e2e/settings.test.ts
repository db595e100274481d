import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageCall } from './helpers/api';
import { openApp, RESULTS } from './helpers/app';
import type { RunningShell } from './web-shell';

let shell: RunningShell;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

async function openSettings(): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Training' }).waitFor();
}

beforeAll(async () => {
  ({ shell, browser, page } = await openApp(consoleErrors, { viewport: { width: 1200, height: 800 }, colorScheme: 'light' }));
  await openSettings();
});

afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

// --bg's light and dark values in styles.css, as the browser computes them.
const LIGHT_BG = 'rgb(246, 247, 251)';
const DARK_BG = 'rgb(20, 21, 28)';
const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

describe('the settings screen', () => {
  it('saves the training device and threads, which survive a reload', async () => {
    await page.getByRole('radio', { name: /^CPU/ }).check();
    await page.getByLabel(/Automatic \(all/).uncheck();
    await page.getByLabel('Threads').fill('2');
    await page.getByRole('button', { name: 'Save training settings' }).click();
    await page.getByText('Saved. New runs use these.').waitFor();
    expect(await pageCall(page, 'settings.preferences', {})).toMatchObject({ device: 'cpu', threads: 2 });
    await page.reload();
    await openSettings();
    await expect(page.getByRole('radio', { name: /^CPU/ }).isChecked()).resolves.toBe(true);
    expect(await page.getByLabel('Threads').inputValue()).toBe('2');
  });

  it('pins the theme to dark and back to the system', async () => {
    const light = await background();
    expect(light).toBe(LIGHT_BG);
    await page.getByRole('radio', { name: 'Dark' }).check();
    await page.waitForFunction(() => document.documentElement.dataset['theme'] === 'dark');
    expect(await background()).toBe(DARK_BG);
    await page.screenshot({ path: join(RESULTS, 'settings-dark.png'), fullPage: true });
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset['theme'] === 'dark');
    await openSettings();
    await page.getByRole('radio', { name: 'Follow the system' }).check();
    await page.waitForFunction(() => document.documentElement.dataset['theme'] === undefined);
    expect(await background()).toBe(light);
    expect((await pageCall(page, 'settings.preferences', {})).theme).toBe('system');
  });

  it('follows a dark system unless light is pinned', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      expect(await background()).toBe(DARK_BG);
      await page.getByRole('radio', { name: 'Light' }).check();
      await page.waitForFunction(() => document.documentElement.dataset['theme'] === 'light');
      expect(await background()).toBe(LIGHT_BG);
      await page.getByRole('radio', { name: 'Follow the system' }).check();
      await page.waitForFunction(() => document.documentElement.dataset['theme'] === undefined);
      expect(await background()).toBe(DARK_BG);
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });

  it('chooses a data folder for the next start, says the environment wins, and refuses a relative path', async () => {
    const chosen = join(await mkdtemp(join(tmpdir(), 'hyperadapt-e2e-chosen-')), 'library');
    await page.getByLabel('Folder to use from the next start').fill(chosen);
    await page.getByRole('button', { name: 'Save folder' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    await expect(page.getByText(/HYPERADAPT_DATA_DIR is set/).isVisible()).resolves.toBe(true);
    expect((await pageCall(page, 'settings.dataDirectory', {})).chosen).toBe(chosen);
    await page.getByLabel('Folder to use from the next start').fill('relative/folder');
    await page.getByRole('button', { name: 'Save folder' }).click();
    await page.getByText(/must be an absolute path/).waitFor();
    expect((await pageCall(page, 'settings.dataDirectory', {})).chosen).toBe(chosen);
    await page.screenshot({ path: join(RESULTS, 'settings.png'), fullPage: true });
    await page.getByRole('button', { name: 'Use the default' }).click();
    await page.getByRole('button', { name: 'Use the default' }).waitFor({ state: 'detached' });
    expect((await pageCall(page, 'settings.dataDirectory', {})).chosen).toBeNull();
    // The refused path is the user's mistake, answered as a bad request, not a server failure.
    expect(consoleErrors).toEqual([expect.stringContaining('status of 400')]);
  });
});
