import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, RESULTS } from './helpers/app';
import { seedTrainedAdapter } from './helpers/seed';
import type { RunningShell } from './web-shell';

let shell: RunningShell;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ shell, browser, page } = await openApp([], { viewport: { width: 1024, height: 700 } }));
  // Something in every list, so the tables are laid out with content.
  await seedTrainedAdapter(page);
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
