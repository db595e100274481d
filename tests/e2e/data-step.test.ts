import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageCall } from './helpers/api';
import { openApp, RESULTS } from './helpers/app';
import { tinyModelFolder } from './helpers/fixtures';
import type { RunningShell } from './web-shell';

let shell: RunningShell;
let browser: Browser;
let page: Page;
let folder: string;
const consoleErrors: string[] = [];

const row = (i: number) => JSON.stringify({ prompt: `What is ${i} plus ${i}?`, completion: `${2 * i}.` });
const countRow = (i: number) => JSON.stringify({ messages: [{ role: 'user', content: `Count to ${i}, please, slowly.` }, { role: 'assistant', content: Array.from({ length: i }, (_, k) => k + 1).join(' ') }] });
const badRowLines = [row(1), row(2), '{"prompt": "unfinished', row(3)];
const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'hyperadapt-e2e-datafiles-'));
  await writeFile(join(folder, 'sums.jsonl'), Array.from({ length: 30 }, (_, i) => row(i)).join('\n') + '\n');
  await writeFile(join(folder, 'with-bad-row.jsonl'), badRowLines.join('\n') + '\n');
  await writeFile(join(folder, 'counting.jsonl'), Array.from({ length: 12 }, (_, i) => countRow(i + 1)).join('\n') + '\n');
  await writeFile(join(folder, 'random.jsonl'), randomBytes(400));
  ({ shell, browser, page } = await openApp(consoleErrors));
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

  it('with a model: previews learned and context text, draws truncated bars, and raises the max length to fit', async () => {
    await pageCall(page, 'models.add', { path: await tinyModelFolder(5), name: 'tiny qwen' });
    await nav('Model');
    await nav('Data'); // the step lists the library's models when it opens
    await page.getByLabel('Measure with model').locator('option', { hasText: 'tiny qwen' }).waitFor({ state: 'attached' });
    expect(await page.getByLabel('Measure with model').locator('option:checked').textContent()).toBe('tiny qwen');
    await page.getByLabel('Max length', { exact: true }).fill('40');
    await page.getByLabel('Max length', { exact: true }).press('Tab');
    await page.getByLabel('Data file').fill(join(folder, 'counting.jsonl'));
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByTestId('length-histogram').waitFor();

    // The preview: the prompt in the chat template as context, the answer learned, told apart by more than colour.
    const preview = page.getByTestId('row-preview');
    const firstRow = preview.locator('pre').first();
    expect(await firstRow.locator('[data-kind="context"]').first().textContent()).toContain('Count to 1, please, slowly.');
    expect(await firstRow.locator('[data-kind="learned"]').first().textContent()).toContain('1');
    const underline = (kind: string) => firstRow.locator(`[data-kind="${kind}"]`).first().evaluate((el) => getComputedStyle(el).textDecorationLine);
    expect(await underline('learned')).toContain('underline');
    expect(await underline('context')).not.toContain('underline');
    expect(await preview.getByText('Learned', { exact: true }).count()).toBe(1);

    // Rows past 40 tokens: hatched bars beyond the max-length line.
    const bars = page.getByTestId('histogram-bar');
    const truncated = async () => (await bars.evaluateAll((els) => els.filter((el) => el.getAttribute('data-truncated') === 'true').map((el) => Number(el.getAttribute('data-count'))))).reduce((a, b) => a + b, 0);
    expect(await truncated()).toBeGreaterThan(0);
    expect(await page.getByTestId('max-length-line').count()).toBe(1);
    const truncatedText = await page.getByTestId('report-truncated').textContent();
    expect(truncatedText).toMatch(/^[1-9]\d* rows longer than 40$/);
    await page.screenshot({ path: join(RESULTS, 'data-step-preview-histogram.png'), fullPage: true });

    const raise = page.getByRole('button', { name: /^Raise max length to \d+$/ });
    const raisedTo = Number((await raise.textContent())!.match(/\d+/)![0]);
    await raise.click();
    await page.getByTestId('report-truncated').getByText(`0 rows longer than ${raisedTo}`).waitFor();
    expect(await page.getByLabel('Max length', { exact: true }).inputValue()).toBe(String(raisedTo));
    expect(await truncated()).toBe(0);
    expect(await page.getByRole('button', { name: /Raise max length/ }).count()).toBe(0);

    // The Train step starts from the max length chosen here.
    await nav('Train');
    await page.getByRole('button', { name: /Show advanced settings/ }).click();
    expect(await page.getByLabel('Max length (tokens)').inputValue()).toBe(String(raisedTo));
    await nav('Data');
    expect(consoleErrors).toEqual([]);
  });

  it('adds a file with a bad row without that row, leaving the file as it was', async () => {
    await page.getByLabel('Data file').fill(join(folder, 'with-bad-row.jsonl'));
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('Not ready: 1 row has errors').waitFor();
    await page.getByLabel('Leave out the 1 bad row and add the rest').check();
    await page.getByText('Ready to train: 3 usable rows.').waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('1 row with errors is left out');
    expect((await page.getByTestId('report-issues').locator('tbody tr').first().locator('td').first().textContent())?.trim()).toBe('3');
    await page.getByLabel('Name in the library').fill('sums without the bad row');
    await page.getByRole('button', { name: 'Add to library' }).click();
    await page.getByTestId('data-add-result').waitFor();
    await page.screenshot({ path: join(RESULTS, 'data-step-bad-row-left-out.png'), fullPage: true });

    const added = (await pageCall(page, 'datasets.list', {})).find((dataset) => dataset.name === 'sums without the bad row');
    expect(added).toMatchObject({ rows: 3, readOptions: { dropInvalidRows: true }, report: { ok: true, invalidRowsLeftOut: 1, train: { rows: { usable: 3, invalid: 1 } } } });
    expect(await readFile(join(folder, 'with-bad-row.jsonl'), 'utf8')).toBe(badRowLines.join('\n') + '\n');
    expect(await readFile(added!.path, 'utf8')).toBe(badRowLines.join('\n') + '\n');

    // Without a model: structure only, conversations still previewed in the plain template.
    await page.getByLabel('Data file').fill(join(folder, 'counting.jsonl'));
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByTestId('length-histogram').waitFor();
    await page.getByLabel('Measure with model').selectOption({ label: 'None: check the structure only' });
    await page.getByText(/choose a model above to measure them now/).waitFor();
    expect(await page.getByTestId('length-histogram').count()).toBe(0);
    expect(await page.getByTestId('row-preview').locator('figcaption', { hasText: 'in the plain template' }).count()).toBe(3);
    expect(await page.getByTestId('row-preview').locator('[data-kind="learned"]').first().textContent()).toBe(' 1<eos>');
    expect(consoleErrors).toEqual([]);
  });
});
