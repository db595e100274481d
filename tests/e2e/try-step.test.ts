import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, RESULTS } from './helpers/app';
import { seedTrainedAdapter } from './helpers/seed';
import { pageCall, QUICK_RUN, waitForRun } from './helpers/api';
import { chatDataFile, tinyModelFolder } from './helpers/fixtures';
import type { RunningShell } from './web-shell';

let shell: RunningShell;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  ({ shell, browser, page } = await openApp(consoleErrors));
  await seedTrainedAdapter(page);
});

afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

describe('the Try screen', () => {
  it('streams the base model and the adapter side by side for a trained adapter', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Try' }).click();
    await expect(page.getByLabel('Adapter').locator('option:checked').textContent()).resolves.toContain('numbers run');
    await page.getByLabel('Most new tokens').fill('24');
    await page.getByLabel('Prompt').fill('Count with me: one two three');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();

    for (const pane of ['base', 'adapted']) {
      await page.getByTestId(`try-summary-${pane}`).waitFor({ timeout: 30_000 });
      expect((await page.getByTestId(`try-output-${pane}`).textContent())?.trim().length).toBeGreaterThan(0);
      expect(await page.getByTestId(`try-summary-${pane}`).textContent()).toMatch(/^\d+ tokens, .+ · [\d.]+ tokens\/s$/);
    }
    await page.getByRole('button', { name: 'Compare', exact: true }).waitFor();
    expect(await page.getByText("The prompt goes through the model's chat template as your message.").isVisible()).toBe(true);
    await page.screenshot({ path: join(RESULTS, 'try-side-by-side.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it("compares the adapter's validation rows in a table, saved beside the adapter", async () => {
    // An adapter trained on chat rows, whose held-out rows have prompts and reference answers.
    const { model } = await pageCall(page, 'models.add', { path: await tinyModelFolder(2), name: 'tiny chat' });
    const { dataset } = await pageCall(page, 'datasets.add', { path: await chatDataFile(), name: 'chat' });
    const run = await pageCall(page, 'runs.start', { modelId: model.id, datasetId: dataset.id, name: 'chat run', settings: { ...QUICK_RUN, maxLength: 128 } });
    await waitForRun(page, run.id, ['completed']);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Export' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Try' }).click();
    await page.getByLabel(/^Adapter/).selectOption({ label: 'chat run' });
    await page.getByLabel('Most new tokens').fill('6');
    await page.getByLabel('Rows').fill('3');
    await page.getByRole('button', { name: 'Compare validation samples' }).click();

    await page.getByTestId('validation-saved').waitFor({ timeout: 30_000 });
    const table = page.getByTestId('validation-table');
    expect(await table.locator('th').allTextContents()).toEqual(['Line', 'Prompt', 'Reference answer', 'Base model', 'With your adapter']);
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.first().locator('td').nth(1).textContent()).toMatch(/^count \w+$/);
    expect(await rows.first().locator('td').nth(2).textContent()).toMatch(/^\w+ \w+$/);
    expect(await page.getByTestId('validation-saved').textContent()).toContain('validation-samples.jsonl');
    await page.screenshot({ path: join(RESULTS, 'try-validation-table.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('shows the saved table again when the Try screen is reopened, with a Run again button', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Library' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Try' }).click();
    await page.getByLabel(/^Adapter/).selectOption({ label: 'chat run' });

    const saved = page.getByTestId('validation-saved-earlier');
    await saved.waitFor();
    expect(await saved.textContent()).toMatch(/^\s*Saved .+: 3 rows, in .*validation-samples\.jsonl\s*$/);
    expect(await page.getByTestId('validation-table').locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('validation-table').locator('tbody tr').first().locator('td').nth(1).textContent()).toMatch(/^count \w+$/);
    await page.getByRole('button', { name: 'Run again' }).waitFor();
    // The base adapter has no saved table: choosing it empties the section, and choosing back brings the table again.
    await page.getByLabel(/^Adapter/).selectOption({ label: 'numbers run' });
    await page.getByTestId('validation-table').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Compare validation samples' }).waitFor();
    await page.getByLabel(/^Adapter/).selectOption({ label: 'chat run' });
    await saved.waitFor();
    await page.screenshot({ path: join(RESULTS, 'try-validation-saved.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('cancels a validation run: the rows done stay, labelled as stopped early, and the saved table is kept', async () => {
    // Long answers (up to 1024 tokens a side) so the run is still going when Cancel lands.
    await page.getByLabel('Most new tokens').fill('1024');
    await page.getByLabel('Rows').fill('200');
    await page.getByRole('button', { name: 'Run again' }).click();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();

    const stopped = page.getByTestId('validation-stopped');
    await stopped.waitFor({ timeout: 60_000 });
    const [, done, total] = /Stopped early after (\d+) of (\d+) rows/.exec((await stopped.textContent()) ?? '') ?? [];
    expect(Number(done)).toBeLessThan(Number(total));
    expect(await stopped.textContent()).toMatch(/This partial table is not saved; the table saved .+ is kept\./);
    expect(await page.getByTestId('validation-table').locator('tbody tr').count()).toBe(Number(done));
    expect(await page.getByTestId('validation-saved').count()).toBe(0);
    await page.getByRole('button', { name: 'Run again' }).waitFor();
    await page.screenshot({ path: join(RESULTS, 'try-validation-stopped.png'), fullPage: true });

    // The saved table is still the three rows of the finished run.
    const adapter = (await pageCall(page, 'adapters.list', {})).find((entry) => entry.name === 'chat run');
    expect((await pageCall(page, 'try.savedValidation', { adapterId: adapter!.id })).saved?.samples).toHaveLength(3);
    expect(consoleErrors).toEqual([]);
  });

  it('stacks the panes without sideways scrolling at 1024x700', async () => {
    await page.setViewportSize({ width: 1024, height: 700 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1200, height: 800 });
  });
});
