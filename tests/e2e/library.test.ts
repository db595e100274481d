import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, RESULTS } from './helpers/app';
import { pageCall, QUICK_RUN, waitForRun } from './helpers/api';
import { tinyDataFile, tinyModelFolder } from './helpers/fixtures';
import type { RunningShell } from './web-shell';

let shell: RunningShell;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
let completedRunId = 0;
let stoppedRunId = 0;

beforeAll(async () => {
  ({ shell, browser, page } = await openApp(consoleErrors));

  // Seed through the same API the screens use: a model, a dataset, one finished run and one stopped mid-way.
  const { model } = await pageCall(page, 'models.add', { path: await tinyModelFolder(), name: 'tiny qwen' });
  const { dataset } = await pageCall(page, 'datasets.add', { path: await tinyDataFile(), name: 'numbers' });
  completedRunId = (await pageCall(page, 'runs.start', { modelId: model.id, datasetId: dataset.id, name: 'first run', settings: QUICK_RUN })).id;
  await waitForRun(page, completedRunId, ['completed']);
  const long = await pageCall(page, 'runs.start', { modelId: model.id, datasetId: dataset.id, name: 'long run', settings: { ...QUICK_RUN, steps: 400, saveEvery: 1 } });
  stoppedRunId = long.id;
  await waitForRun(page, stoppedRunId, ['running']);
  await pageCall(page, 'runs.cancel', { id: stoppedRunId });
  await waitForRun(page, stoppedRunId, ['cancelled']);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Library' }).click();
  await page.getByTestId('runs-table').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

const runRow = (id: number) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);

describe('the library screen', () => {
  it('lists runs with status, loss sparkline, steps, duration and trainable parameters', async () => {
    const row = runRow(completedRunId);
    expect(await row.getByTestId('run-status').textContent()).toBe('Completed');
    await expect(row.getByRole('img', { name: 'Training loss of first run' }).isVisible()).resolves.toBe(true);
    const cells = await row.locator('td').allTextContents();
    expect(cells[4]).toBe('8 / 8');
    expect(cells[5]).toMatch(/ s$|min/);
    expect(cells[6]).toMatch(/^\d+(\.\d)?[KM]?$/);
    expect(await runRow(stoppedRunId).getByTestId('run-status').textContent()).toBe('Cancelled');
    await page.screenshot({ path: join(RESULTS, 'library-runs.png'), fullPage: true });
  });

  it('resumes a stopped run from the list', async () => {
    await runRow(stoppedRunId).getByRole('button', { name: 'Resume' }).click();
    await page.locator(`[data-testid="run-row"][data-run-id="${stoppedRunId}"][data-status="running"]`).waitFor({ timeout: 20_000 });
    await runRow(stoppedRunId).getByRole('button', { name: 'Cancel' }).click();
    await page.locator(`[data-testid="run-row"][data-run-id="${stoppedRunId}"][data-status="cancelled"]`).waitFor({ timeout: 20_000 });
  });

  it('renames and tags a run', async () => {
    const row = runRow(completedRunId);
    await row.getByRole('button', { name: 'Edit first run: rename or tag' }).click();
    await row.getByLabel('Name').fill('baseline');
    await row.getByLabel('Tags').fill('keep, best');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.getByText('baseline', { exact: true }).waitFor();
    expect(await row.getByRole('list', { name: 'Tags' }).locator('li').allTextContents()).toEqual(['keep', 'best']);
    expect((await pageCall(page, 'runs.get', { id: completedRunId })).run.tags).toEqual(['keep', 'best']);
  });

  it('keeps notes on a run', async () => {
    const row = runRow(completedRunId);
    await row.getByRole('button', { name: 'Add a note to baseline' }).click();
    await row.getByLabel('Notes').fill('lr 0.1 looked stable');
    await row.getByRole('button', { name: 'Save notes' }).click();
    await row.getByText('lr 0.1 looked stable').waitFor();
    expect((await pageCall(page, 'runs.get', { id: completedRunId })).run.notes).toBe('lr 0.1 looked stable');
  });

  it('shows models, datasets and adapters with lineage', async () => {
    await page.getByRole('tab', { name: /Models/ }).click();
    expect(await page.getByTestId('model-row').count()).toBe(1);
    await expect(page.getByTestId('model-row').getByText('qwen2').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(RESULTS, 'library-models.png'), fullPage: true });
    await page.getByRole('tab', { name: /Datasets/ }).click();
    expect(await page.getByTestId('dataset-row').count()).toBe(1);
    await page.getByRole('tab', { name: /Adapters/ }).click();
    const lineage = await page.getByTestId('adapter-row').getByRole('list', { name: 'Lineage' }).textContent();
    expect(lineage).toContain('tiny qwen');
    expect(lineage).toContain('numbers');
    expect(lineage).toContain('baseline');
    await page.screenshot({ path: join(RESULTS, 'library-adapters.png'), fullPage: true });
  });

  it('compares two runs: their curves and the settings that differ', async () => {
    await page.getByRole('tab', { name: /Runs/ }).click();
    await runRow(completedRunId).getByRole('checkbox').check();
    await runRow(stoppedRunId).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Compare 2 runs' }).click();
    const compare = page.getByTestId('compare');
    await compare.getByTestId('difference').first().waitFor();
    const keys = await compare.getByTestId('difference').locator('td:first-child').allTextContents();
    expect(keys).toEqual(expect.arrayContaining(['steps', 'saveEvery']));
    await expect(compare.getByRole('img', { name: 'Training loss of 2 runs by step' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(RESULTS, 'library-compare.png'), fullPage: true });
    await compare.getByRole('button', { name: 'Close' }).click();
  });

  it('refuses to delete a model in use, with the reason, and deletes a run after confirmation', async () => {
    expect(consoleErrors).toEqual([]);
    await page.getByRole('tab', { name: /Models/ }).click();
    await page.getByTestId('model-row').getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toMatch(/run|adapter/i);
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    expect(await page.getByTestId('model-row').count()).toBe(1);

    await page.getByRole('tab', { name: /Runs/ }).click();
    await runRow(stoppedRunId).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await runRow(stoppedRunId).waitFor({ state: 'detached' });
    expect((await pageCall(page, 'runs.list', {})).map((r) => r.id)).toEqual([completedRunId]);
    // The refused deletion is the one failed request the browser logs.
    expect(consoleErrors).toEqual([expect.stringContaining('status of 409 (Conflict)')]);
  });
});
