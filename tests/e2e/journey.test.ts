/**
 * The whole journey through the screens, as a new user walks it with the starter kit: take the
 * demo model the first run offers, import data (a draft with a bad row shown by its line, then the
 * sample chats), train a few steps with the chart filling, find the run in the Library, try it
 * side by side, export GGUF and merged safetensors with the verification passing. A screenshot of
 * each step: test-results/journey-*.png.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageCall, waitForRun } from './helpers/api';
import { openApp, RESULTS } from './helpers/app';
import type { RunningShell } from './web-shell';

const SAMPLE = join(import.meta.dirname, '..', '..', 'resources', 'starter', 'sample-garden-chats.jsonl');

let shell: RunningShell;
let browser: Browser;
let page: Page;
let draft: string;
const consoleErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(RESULTS, `journey-${name}.png`), fullPage: true });
const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();

beforeAll(async () => {
  // The sample chats as a user might have drafted them: line 3 cut short.
  const lines = (await readFile(SAMPLE, 'utf8')).trimEnd().split('\n');
  lines[2] = lines[2]!.slice(0, 60);
  draft = join(await mkdtemp(join(tmpdir(), 'hyperadapt-e2e-journey-')), 'garden-draft.jsonl');
  await writeFile(draft, lines.join('\n') + '\n');
  ({ shell, browser, page } = await openApp(consoleErrors));
  await pageCall(page, 'settings.setPreferences', { threads: 1 }); // the machine is shared with other test files
});

afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

describe('the journey from a base model to a verified export', () => {
  it('walks every step with the starter kit', async () => {
    // 1. Model: the first run offers the demo kit; its model is checked and added like any folder.
    await nav('Model');
    await page.getByTestId('starter-model').waitFor();
    await shot('0-first-run');
    await page.getByRole('button', { name: 'Use the demo model' }).click();
    await page.getByTestId('model-facts').waitFor();
    expect(await page.getByTestId('fact-architecture').textContent()).toBe('Qwen2ForCausalLM');
    expect(await page.getByLabel('Name in the library').inputValue()).toMatch(/^Demo: tiny model/);
    await page.getByRole('button', { name: 'Add to library' }).click();
    await page.getByTestId('add-result').waitFor();
    expect(await page.getByTestId('starter-model').count()).toBe(0);
    await shot('1-model');

    // 2. Data: a draft with a bad row is refused, the row named by its line; the sample chats are added.
    // Each step offers the next one once it is done.
    await page.getByRole('button', { name: 'Next: bring your data' }).click();
    await page.getByLabel('Data file').fill(draft);
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByTestId('preflight').waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('Not ready: 1 row has errors');
    const issues = page.getByTestId('report-issues').locator('tbody tr');
    expect(await issues.count()).toBe(1);
    expect((await issues.locator('td').first().textContent())?.trim()).toBe('3');
    expect(await page.getByRole('button', { name: 'Add to library' }).count()).toBe(0);
    await shot('2-data-bad-row');

    await page.getByRole('button', { name: 'Use the sample chats' }).click();
    await page.getByText('Ready to train: 60 usable rows.').waitFor();
    expect(await page.getByLabel('Name in the library').inputValue()).toBe('Demo: garden helper chats');
    await page.getByRole('button', { name: 'Add to library' }).click();
    await page.getByTestId('data-add-result').waitFor();
    await shot('3-data-added');

    // 3. Train: a few steps, the chart gaining points as they come.
    await page.getByRole('button', { name: 'Next: train' }).click();
    await page.getByRole('heading', { name: 'Train', exact: true }).waitFor();
    await page.getByLabel('Run name').fill('journey run');
    await page.getByRole('button', { name: 'Show advanced settings' }).click();
    await page.getByLabel('Steps', { exact: true }).fill('24');
    await page.getByLabel('Steps', { exact: true }).press('Tab');
    // Every value the chart's point count takes, sampled in the page while the run goes.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { chartPoints: number[] }).chartPoints = seen;
      setInterval(() => {
        const value = Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-train-points') ?? 0);
        if (value > 0 && seen.at(-1) !== value) seen.push(value);
      }, 10);
    });
    await page.getByRole('button', { name: /Start training/ }).click();
    await page.locator('[data-testid="run-view"][data-status="completed"]').waitFor({ timeout: 40_000 });
    await page.getByText('The adapter is in the Library.').waitFor();
    await page.getByRole('button', { name: 'Next: try it side by side' }).waitFor();
    const seen = await page.evaluate(() => (window as unknown as { chartPoints: number[] }).chartPoints);
    // The chart filled step by step while training ran, not all at once at the end.
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(24);
    await shot('4-train');
    const [run] = await pageCall(page, 'runs.list', {});
    await waitForRun(page, run!.id, ['completed']);

    // 4. Library: the run is listed as completed with its loss sparkline.
    await nav('Library');
    await page.getByTestId('runs-table').waitFor();
    const runRow = page.locator(`[data-testid="run-row"][data-run-id="${run!.id}"]`);
    expect(await runRow.getByTestId('run-status').textContent()).toBe('Completed');
    await expect(runRow.getByRole('img', { name: 'Training loss of journey run' }).isVisible()).resolves.toBe(true);
    await shot('5-library');

    // 5. Try: the same prompt through the base model and the adapter.
    await nav('Try');
    await expect(page.getByLabel('Adapter').locator('option:checked').textContent()).resolves.toContain('journey run');
    await page.getByLabel('Most new tokens').fill('12');
    await page.getByLabel('Prompt').fill('How often should I water my peas?');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    for (const pane of ['base', 'adapted']) await page.getByTestId(`try-summary-${pane}`).waitFor({ timeout: 30_000 });
    await shot('6-try');

    // 6. Export: GGUF, then merged safetensors, each verified.
    await nav('Export');
    await expect(page.getByLabel('Adapter').locator('option:checked').textContent()).resolves.toContain('journey run');
    expect(await page.getByRole('radio', { name: /GGUF/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Export and verify' }).click();
    await page.getByTestId('export-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('export-verdict').textContent()).toBe('Verified');
    await page.getByTestId('ollama-command').waitFor();
    await shot('7-export-gguf');

    await page.locator('label', { hasText: 'Merged safetensors' }).click();
    expect(await page.getByRole('radio', { name: /Merged safetensors/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Export and verify' }).click();
    const deadline = Date.now() + 60_000;
    while ((await pageCall(page, 'exports.list', {})).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    await page.getByTestId('export-summary').getByText(/loaded the safetensors export/).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('export-verdict').textContent()).toBe('Verified');
    await shot('8-export-safetensors');
    const exportsMade = await pageCall(page, 'exports.list', {});
    expect(exportsMade.map((e) => [e.format, e.verified]).sort()).toEqual([
      ['gguf-f16', true],
      ['safetensors', true],
    ]);
    expect(consoleErrors).toEqual([]);
  });
});
