import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageCall } from './helpers/api';
import { openApp, RESULTS } from './helpers/app';
import { tinyModelFolder } from './helpers/fixtures';
import type { RunningShell } from './web-shell';

let shell: RunningShell;
let browser: Browser;
let page: Page;
let modelPath: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  modelPath = await tinyModelFolder(3);
  ({ shell, browser, page } = await openApp(consoleErrors));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Model' }).click();
});

afterAll(async () => {
  await browser?.close();
  await shell?.stop();
});

describe('the model step', () => {
  it('says what is missing from a folder that is not a model, and adds nothing', async () => {
    await page.getByLabel('Model folder').fill(dirname(modelPath));
    await page.getByRole('button', { name: 'Check folder' }).click();
    await page.getByTestId('inspect-error').waitFor();
    expect(await page.getByTestId('inspect-error').textContent()).toContain('config.json');
    expect(await pageCall(page, 'models.list', {})).toEqual([]);
  });

  it('browses to the model folder on the server and shows its facts', async () => {
    await page.getByRole('button', { name: 'Browse…' }).click();
    const browser = page.getByTestId('folder-browser');
    expect(await browser.getByTestId('browser-path').textContent()).toBe(dirname(modelPath));
    await browser.getByRole('button', { name: 'Use tiny-qwen' }).click();
    await page.getByTestId('model-facts').waitFor();
    expect(await page.getByLabel('Model folder').inputValue()).toBe(modelPath);
    expect(await page.getByTestId('fact-architecture').textContent()).toBe('Qwen2ForCausalLM');
    expect(await page.getByTestId('fact-layers').textContent()).toBe('2');
    await expect(page.getByText(/LoRA at rank 8 on the same layers/).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(RESULTS, 'model-step.png'), fullPage: true });
  });

  it('re-estimates memory for another batch and sequence length', async () => {
    const before = await page.getByTestId('fact-memory').textContent();
    await page.getByLabel('Batch').fill('32');
    await page.getByLabel('Sequence length').fill('1024');
    await page.getByLabel('Sequence length').press('Tab');
    await page.getByText('at batch 32 × 1024 tokens').waitFor();
    expect(await page.getByTestId('fact-memory').textContent()).not.toBe(before);
  });

  it('adds the model with progress and shows it in the Library', async () => {
    await page.getByLabel('Name in the library').fill('my tiny model');
    await page.getByRole('button', { name: 'Add to library' }).click();
    await page.getByTestId('add-result').waitFor();
    expect(await page.getByTestId('add-result').textContent()).toContain('Added “my tiny model” to the library.');
    await page.getByRole('button', { name: 'Open the Library' }).click();
    await page.getByRole('tab', { name: /Models/ }).click();
    await page.getByTestId('model-row').getByText('my tiny model').waitFor();
    await page.screenshot({ path: join(RESULTS, 'model-step-library.png'), fullPage: true });
    // The inspection failure earlier is the one failed request the browser logs.
    expect(consoleErrors).toEqual([expect.stringContaining('status of 400')]);
  });
});
