import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser';
import { pageCall, waitForRun } from './helpers/api';
import { tinyDataFile, tinyModelFolder } from './helpers/fixtures';
import { startBuiltWebShell, type RunningShell } from './web-shell';

const RESULTS = join(import.meta.dirname, '..', '..', 'test-results');

let shell: RunningShell;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await mkdir(RESULTS, { recursive: true });
  shell = await startBuiltWebShell();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
  await page.goto(shell.url);
  // Something in every list, so the tables are laid out with content.
  const { model } = await pageCall(page, 'models.add', { path: await tinyModelFolder(7), name: 'tiny qwen' });
  const { dataset } = await pageCall(page, 'datasets.add', { path: await tinyDataFile(40), name: 'numbers' });
  const run = await pageCall(page, 'runs.start', { modelId: model.id, datasetId: dataset.id, settings: { steps: 4, threads: 1, maxLength: 16 } });
  await waitForRun(page, run.id, ['completed']);
  await page.reload();
});

afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

describe('at 1024 x 700', () => {
  it('no screen scrolls sideways', async () => {
    for (const screen of ['Model', 'Data', 'Train', 'Library', 'Settings', 'System']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: screen }).click();
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForTimeout(200);
      // The content pane scrolls on its own, so measure it as well as the page.
      const overflow = await page.evaluate(() => {
        const content = document.querySelector('.content')!;
        return Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth, content.scrollWidth - content.clientWidth);
      });
      await page.screenshot({ path: join(RESULTS, `narrow-${screen.toLowerCase()}.png`) });
      expect({ screen, overflow }).toEqual({ screen, overflow: 0 });
    }
  });
});
