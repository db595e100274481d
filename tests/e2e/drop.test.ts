import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageCall } from './helpers/api';
import { RESULTS, openApp } from './helpers/app';
import type { RunningShell } from './web-shell';

let shell: RunningShell;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

const row = (i: number) => JSON.stringify({ prompt: `What is ${i} times two?`, completion: `${2 * i}.` });
const GOOD = Array.from({ length: 30 }, (_, i) => row(i)).join('\n') + '\n';

/** Drops files on the Data step's drop zone the way a browser does: a DataTransfer of Files, built in the page. */
async function drop(files: { name: string; text: string }[]): Promise<void> {
  await page.getByTestId('drop-zone').evaluate((zone, list) => {
    const data = new DataTransfer();
    for (const { name, text } of list) data.items.add(new File([text], name));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
  }, files);
}

beforeAll(async () => {
  ({ shell, browser, page } = await openApp(consoleErrors));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Data' }).click();
});

afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

describe('dropping a data file in the web shell', () => {
  it('offers a marked drop zone, saying a copy is sent', async () => {
    const zone = page.getByRole('group', { name: 'Or drop a file here' });
    await zone.waitFor();
    expect(await zone.textContent()).toContain('A copy is sent to the machine running HyperAdapt, then checked.');
  });

  it('uploads the dropped file and shows its pre-flight report, as for a typed path', async () => {
    await drop([{ name: 'dropped-sums.jsonl', text: GOOD }]);
    await page.getByText('Ready to train: 30 usable rows.').waitFor();
    expect(await page.getByTestId('report-format').textContent()).toBe('prompt-completion');
    // The path field now holds the uploaded copy, in the library's incoming folder, under its own name.
    expect(await page.getByLabel('Data file').inputValue()).toMatch(/[\\/]incoming[\\/][0-9a-f]{24}[\\/]dropped-sums\.jsonl$/);
    await page.screenshot({ path: join(RESULTS, 'drop-data-file.png'), fullPage: true });
  });

  it('adds the uploaded copy under the dropped file’s name', async () => {
    await page.getByRole('button', { name: 'Add to library' }).click();
    await page.getByTestId('data-add-result').waitFor();
    const datasets = await pageCall(page, 'datasets.list', {});
    expect(datasets.map((dataset) => dataset.name)).toEqual(['dropped-sums.jsonl']);
  });

  it('says what is wrong with a drop it cannot use, adding nothing', async () => {
    await drop([
      { name: 'a.jsonl', text: GOOD },
      { name: 'b.jsonl', text: GOOD },
    ]);
    expect(await page.getByTestId('drop-error').textContent()).toBe('Drop one file at a time.');
    // The server refuses a name that is not a data file; its reason reaches the page.
    await drop([{ name: 'notes.exe', text: 'MZ' }]);
    await page.getByTestId('drop-error').getByText(/only data files can be uploaded/).waitFor();
    expect(await pageCall(page, 'datasets.list', {})).toHaveLength(1);
    expect(consoleErrors.filter((error) => !/Failed to load resource.*400/.test(error))).toEqual([]);
  });
});
