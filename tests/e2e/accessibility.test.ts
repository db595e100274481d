/**
 * Every screen, with content in it, checked by axe-core (the WCAG 2.1 A and AA rules: labels,
 * names, roles, contrast) in the light and the dark theme, and walked with the keyboard alone.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageCall } from './helpers/api';
import { openApp } from './helpers/app';
import { seedTrainedAdapter } from './helpers/seed';
import type { RunningShell } from './web-shell';

const SCREENS = ['Model', 'Data', 'Train', 'Try', 'Export', 'Library', 'Settings', 'System'] as const;
// Evaluated through the debugging protocol: the page's CSP (rightly) refuses injected script tags.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let shell: RunningShell;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe's findings on the page as it is now, one line per rule and element. */
async function violations(): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

async function open(screen: (typeof SCREENS)[number]): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: screen }).click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  // Lists and facts load after the heading.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
}

beforeAll(async () => {
  ({ shell, browser, page } = await openApp(consoleErrors, { viewport: { width: 1024, height: 700 } }));
  await pageCall(page, 'settings.setPreferences', { threads: 1 });
});

afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

describe('accessibility', () => {
  it('passes on the first run, with the demo kit offered', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.getByTestId('starter-model').waitFor();
      expect({ scheme, violations: await violations() }).toEqual({ scheme, violations: [] });
    }
    await seedTrainedAdapter(page);
    await page.reload();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`every screen passes axe's WCAG A and AA rules in the ${scheme} theme`, async () => {
      await page.emulateMedia({ colorScheme: scheme });
      const found: Record<string, Violation[]> = {};
      for (const screen of SCREENS) {
        await open(screen);
        const list = await violations();
        if (list.length > 0) found[screen] = list;
      }
      expect(found).toEqual({});
    });
  }

  it("a run's live chart and its table pass in both themes", async () => {
    const [model] = await pageCall(page, 'models.list', {});
    const [dataset] = await pageCall(page, 'datasets.list', {});
    const run = await pageCall(page, 'runs.start', { modelId: model!.id, datasetId: dataset!.id, settings: { steps: 400, maxLength: 16, evalEvery: 10, threads: 1 } });
    await open('Train');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-validation-points')) >= 1, null, { timeout: 60_000 });
    await pageCall(page, 'runs.pause', { id: run.id });
    await page.locator('[data-testid="run-view"][data-status="paused"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('loss-chart').getByRole('button', { name: 'Show as table' }).click();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect({ scheme, violations: await violations() }).toEqual({ scheme, violations: [] });
    }
    await pageCall(page, 'runs.cancel', { id: run.id });
    await page.locator('[data-testid="run-view"][data-status="cancelled"]').waitFor({ timeout: 30_000 });
  });

  it('reaches the main navigation and the first field by keyboard, with a visible focus ring', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), outline: getComputedStyle(document.activeElement!).outlineStyle }));
    expect(first.text).toBe('Model');
    expect(first.outline).not.toBe('none');
    // Down the navigation to Data, then Enter opens it.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Bring your data' }).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
