import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, RESULTS } from './helpers/app';
import { pageCall, waitForRun } from './helpers/api';
import { tinyDataFile, tinyModelFolder } from './helpers/fixtures';
import type { RunningShell } from './web-shell';

let shell: RunningShell;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

async function openTrain(): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Train' }).click();
  await page.getByRole('heading', { name: 'Train', exact: true }).waitFor();
}

const trainPoints = async () => Number(await page.getByTestId('loss-chart').getAttribute('data-train-points'));

beforeAll(async () => {
  ({ shell, browser, page } = await openApp(consoleErrors));
  await pageCall(page, 'settings.setPreferences', { threads: 1 }); // the machine is shared with other test files
  await pageCall(page, 'models.add', { path: await tinyModelFolder(5), name: 'tiny qwen' });
  await pageCall(page, 'datasets.add', { path: await tinyDataFile(40), name: 'numbers' });
  await openTrain();
});

afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

describe('the train step', () => {
  it('recommends a preset from the dataset size', async () => {
    await page.getByText('recommended for 40 rows').waitFor();
    await expect(page.getByRole('radio', { name: /Thorough/ }).isChecked()).resolves.toBe(true);
    await page.getByRole('button', { name: /^Start training · about [\d.]+ [KMG]?B/ }).waitFor();
    await expect(page.getByTestId('estimate-notes').textContent()).resolves.toMatch(/Memory: about [\d.]+ [KMG]?B of RAM/);
  });

  it('measures the speed with a few real steps and puts the time on Start, recording nothing', async () => {
    // Memory, then the time: "Start training · about 60 MB · about 8 seconds".
    const start = page.getByRole('button', { name: /^Start training · about [\d.]+ [KMG]?B · (about \d+|under a second)/ });
    await start.waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('speed-note').textContent()).resolves.toMatch(/^Time measured with 3 timed steps after 1 warm-up on the CPU: .* a step, .* tokens\/s; \d+ steps in all/);
    expect(await pageCall(page, 'runs.list', {})).toEqual([]);
    expect(await pageCall(page, 'adapters.list', {})).toEqual([]);
  });

  it('refuses a learning rate of -1 with the reason at the field, starting nothing', async () => {
    await page.getByRole('button', { name: 'Show advanced settings' }).click();
    await page.getByLabel('Learning rate').fill('-1');
    await page.getByLabel('Learning rate').press('Tab');
    await page.getByRole('button', { name: /Start training/ }).click();
    await page.getByTestId('start-error').waitFor();
    expect(await page.locator('.field.invalid').getByText('Must be more than 0.', { exact: true }).count()).toBe(1);
    expect(await pageCall(page, 'runs.list', {})).toEqual([]);
  });

  it('counts the trainable numbers of the chosen modules, needs at least one, and measures again for a new choice', async () => {
    const count = async () => Number(await page.getByTestId('trainable-count').getAttribute('data-count'));
    const all = await count();
    expect(all).toBeGreaterThan(0);
    for (const module of ['gate_proj', 'up_proj', 'down_proj']) await page.getByRole('checkbox', { name: new RegExp(`^${module}`) }).uncheck();
    const attention = await count();
    expect(attention).toBeLessThan(all);
    for (const module of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) await page.getByRole('checkbox', { name: new RegExp(`^${module}`) }).uncheck();
    await page.getByText('Choose at least one module to adapt.').waitFor();
    for (const module of ['q_proj', 'v_proj']) await page.getByRole('checkbox', { name: new RegExp(`^${module}`) }).check();
    await page.getByTestId('trainable-count').waitFor();
    expect(await count()).toBeLessThan(attention);
    await page.getByRole('button', { name: /^Start training · about .+ · (about \d+|under a second)/ }).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(RESULTS, 'train-step-estimate.png'), fullPage: true });
  });

  it('trains with the live chart updating', async () => {
    await page.getByLabel('Learning rate').fill('0.1');
    await page.getByLabel('Steps', { exact: true }).fill('3000');
    await page.getByLabel('Steps', { exact: true }).press('Tab');
    // No early stopping: the run must still be training when the page reloads.
    await page.getByLabel('Early stopping patience').fill('0');
    await page.getByLabel('Early stopping patience').press('Tab');
    await page.getByRole('button', { name: /Start training/ }).click();
    await page.locator('[data-testid="run-view"][data-status="running"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-train-points')) >= 3, null, { timeout: 30_000 });
    const first = await trainPoints();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-train-points')) > n, first, { timeout: 30_000 });
    await page.screenshot({ path: join(RESULTS, 'train-step.png'), fullPage: true });
  });

  it('comes back into view after a reload and keeps updating, then cancels', async () => {
    await page.reload();
    await openTrain();
    await page.locator('[data-testid="run-view"][data-status="running"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-train-points')) >= 3, null, { timeout: 30_000 });
    const after = await trainPoints();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-train-points')) > n, after, { timeout: 30_000 });
    await page.getByTestId('run-view').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('[data-testid="run-view"][data-status="cancelled"]').waitFor({ timeout: 30_000 });
    const [run] = await pageCall(page, 'runs.list', {});
    await waitForRun(page, run!.id, ['cancelled']);
    expect(run!.settings).toMatchObject({ steps: 3000, lr: 0.1, threads: 1, patience: 0, targets: ['q_proj', 'v_proj'] });
    // The refused start is the one failed request the browser logs.
    expect(consoleErrors).toEqual([expect.stringContaining('status of 400')]);
  });

  it('draws the curves on a canvas, names the latest loss in words, and lists every step as a table', async () => {
    const [run] = await pageCall(page, 'runs.list', {});
    const metrics = await pageCall(page, 'runs.metrics', { id: run!.id });
    const train = metrics.filter((m) => m.split === 'train' && m.loss !== null);
    // The run has stopped: the chart holds every training point it recorded.
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-train-points')) === n, train.length, { timeout: 30_000 });
    const chart = page.getByTestId('loss-chart');
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    const latest = train.at(-1)!;
    const label = (await chart.getByRole('img').getAttribute('aria-label')) ?? '';
    const named = new RegExp(`^Training loss from \\S+ to (\\S+) over ${latest.step} of 3000 steps`).exec(label);
    expect(named, label).not.toBeNull();
    // Three significant digits of the latest loss.
    expect(Math.abs(Number(named![1]) - latest.loss!)).toBeLessThanOrEqual(Math.abs(latest.loss!) * 0.005);

    await chart.getByRole('button', { name: 'Show as table' }).click();
    const steps = await chart.getByRole('region', { name: 'Loss and learning rate by step' }).locator('tbody th').allTextContents();
    const recorded = [...new Set(metrics.filter((m) => m.loss !== null || m.learningRate !== null).map((m) => m.step))].sort((a, b) => a - b);
    expect(steps.map(Number)).toEqual(recorded);
    // The last row's training loss, written as the label writes it.
    expect(await chart.locator('tbody tr').last().locator('td').first().textContent()).toBe(named![1]);
    await page.screenshot({ path: join(RESULTS, 'train-chart-table.png'), fullPage: true });
    await chart.getByRole('button', { name: 'Hide table' }).click();
  });
});
