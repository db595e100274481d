import os from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, RESULTS } from './helpers/app';
import packageJson from '../../package.json';
import type { RunningShell } from './web-shell';

let shell: RunningShell;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  ({ shell, browser, page } = await openApp(consoleErrors));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'System' }).click();
  await page.getByTestId('system-info').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

describe('the system info screen in the web shell', () => {
  it('shows this machine inside the app shell', async () => {
    await expect(page.getByRole('heading', { name: 'This computer' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'System' }).isVisible()).resolves.toBe(true);
    expect(await page.getByTestId('cpu-cores').textContent()).toBe(String(os.availableParallelism()));
    expect(await page.getByTestId('app-version').textContent()).toBe(packageJson.version);
    expect(await page.getByTestId('onnxruntime-version').textContent()).toBe(packageJson.dependencies['onnxruntime-node']);
    expect(await page.getByTestId('node-version').textContent()).toBe(process.versions.node);
    const providers = await page.getByTestId('providers').locator('[data-provider]').evaluateAll((items) =>
      items.map((item) => item.getAttribute('data-provider')),
    );
    expect(providers).toContain('cpu');
  });

  it('updates free memory live from the usage events', async () => {
    // The sampler pushes every 2 s; the CPU load line only appears once an event arrived.
    await page.getByText('Load', { exact: true }).waitFor({ timeout: 10_000 });
  });

  it('gives the page no Node access and no CSP violations', async () => {
    const globals = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (globalThis as unknown as { process?: unknown }).process,
      module: typeof (globalThis as unknown as { module?: unknown }).module,
      bridge: typeof window.hyperadapt,
    }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', bridge: 'undefined' });
    expect(consoleErrors).toEqual([]);
  });

  it('saves a screenshot', async () => {
    const path = join(RESULTS, 'system-info.png');
    await page.screenshot({ path, fullPage: true });
  });
});

describe('the web shell without its token', () => {
  it('refuses the page to a browser that has only the address', async () => {
    const context = await browser.newContext();
    const stranger = await context.newPage();
    const response = await stranger.goto(shell.origin + '/');
    expect(response?.status()).toBe(401);
    expect(await stranger.textContent('body')).toContain('Unauthorized');
    await context.close();
  });

  it('refuses API calls and the event socket without the token', async () => {
    const context = await browser.newContext();
    const stranger = await context.newPage();
    // A same-origin page is needed to try the socket; the 401 page is one.
    await stranger.goto(shell.origin + '/');
    const outcome = await stranger.evaluate(async () => {
      const call = await fetch('/api/call/system.info', { method: 'POST', body: '{}' });
      const socket = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://${location.host}/api/events`);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      });
      return { call: call.status, socket };
    });
    expect(outcome).toEqual({ call: 401, socket: 'refused' });
    await context.close();
  });
});
