import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser';
import { pageCall } from './helpers/api';
import { startBuiltWebShell, type RunningShell } from './web-shell';

const RESULTS = join(import.meta.dirname, '..', '..', 'test-results');

let shell: RunningShell;
let browser: Browser;
let page: Page;
let folder: string;
const consoleErrors: string[] = [];

const row = (i: number) => JSON.stringify({ prompt: `What is ${i} plus ${i}?`, completion: `${2 * i}.` });

beforeAll(async () => {
  await mkdir(RESULTS, { recursive: true });
  folder = await mkdtemp(join(tmpdir(), 'hyperadapt-e2e-datafiles-'));
  await writeFile(join(folder, 'sums.jsonl'), Array.from({ length: 30 }, (_, i) => row(i)).join('\n') + '\n');
  await writeFile(join(folder, 'with-bad-row.jsonl'), [row(1), row(2), '{"prompt": "unfinished', row(3)].join('\n') + '\n');
  await writeFile(join(folder, 'random.jsonl'), randomBytes(400));
  shell = await startBuiltWebShell();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(shell.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Data' }).click();
});

afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

describe('the data step', () => {
  it('finds data files with the browser and shows a bad row by its line, adding nothing', async () => {
    await page.getByLabel('Data file').fill(folder);
    await page.getByRole('button', { name: 'Browse…' }).click();
    await page.getByTestId('folder-browser').getByRole('button', { name: 'Use with-bad-row.jsonl' }).click();
    await page.getByTestId('preflight').waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('Not ready: 1 row has errors');
    const issues = page.getByTestId('report-issues').locator('tbody tr');
    expect(await issues.count()).toBe(1);
    expect((await issues.locator('td').first().textContent())?.trim()).toBe('3');
    expect(await page.getByRole('button', { name: 'Add to library' }).count()).toBe(0);
    await page.screenshot({ path: join(RESULTS, 'data-step-bad-row.png'), fullPage: true });
    expect(await pageCall(page, 'datasets.list', {})).toEqual([]);
  });

  it('says a binary file is not text, adding nothing', async () => {
    await page.getByLabel('Data file').fill(join(folder, 'random.jsonl'));
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText(/not valid UTF-8/).first().waitFor();
    expect(await page.getByTestId('report-format').textContent()).toBe('Not recognised');
    expect(await pageCall(page, 'datasets.list', {})).toEqual([]);
  });

  it('checks a good file and adds it to the library', async () => {
    await page.getByLabel('Data file').fill(join(folder, 'sums.jsonl'));
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('Ready to train: 30 usable rows.').waitFor();
    expect(await page.getByTestId('report-format').textContent()).toBe('prompt-completion');
    await page.screenshot({ path: join(RESULTS, 'data-step.png'), fullPage: true });
    await page.getByLabel('Name in the library').fill('sums');
    await page.getByRole('button', { name: 'Add to library' }).click();
    await page.getByTestId('data-add-result').waitFor();
    await page.getByRole('button', { name: 'Open the Library' }).click();
    await page.getByRole('tab', { name: /Datasets/ }).click();
    await page.getByTestId('dataset-row').getByText('sums', { exact: true }).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
