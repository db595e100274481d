import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, RESULTS } from './helpers/app';
import { seedTrainedAdapter } from './helpers/seed';
import { pageCall } from './helpers/api';
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

describe('the Export screen', () => {
  it('exports GGUF f16, shows the verification passing in plain words and the ollama command', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Export' }).click();
    await expect(page.getByLabel('Adapter').locator('option:checked').textContent()).resolves.toContain('numbers run');
    // GGUF with f16 is the default choice; the destination is suggested under the data folder.
    expect(await page.getByRole('radio', { name: /GGUF/ }).isChecked()).toBe(true);
    expect(await page.getByLabel('Weight type').inputValue()).toBe('f16');
    expect(await page.getByLabel('Destination folder').inputValue()).toMatch(/\/exports\/numbers-run-gguf-f16-\d{14}$/);

    const out = join(await mkdtemp(join(tmpdir(), 'hyperadapt-e2e-export-')), 'numbers-gguf');
    await page.getByLabel('Destination folder').fill(out);
    await page.getByRole('button', { name: 'Export and verify' }).click();

    await page.getByTestId('export-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('export-verdict').textContent()).toBe('Verified');
    expect(await page.getByTestId('export-summary').textContent()).toMatch(/llama\.cpp .* same most likely word as this app 100(\.0)?% of the time .* The check passed\./s);
    expect(await page.getByTestId('export-top1').textContent()).toMatch(/%$/);
    expect(await page.getByTestId('ollama-command').textContent()).toBe(`ollama create numbers-run -f "${out}/Modelfile"`);
    expect(existsSync(join(out, 'model.gguf'))).toBe(true);
    await page.screenshot({ path: join(RESULTS, 'export-gguf-verified.png'), fullPage: true });

    // The library's Exports tab lists it as verified.
    const [record] = await pageCall(page, 'exports.list', {});
    expect(record).toMatchObject({ format: 'gguf-f16', path: out, verified: true });
    expect(consoleErrors).toEqual([]);
  });

  it('shows a clear error for a destination that is not a full path, and exports nothing', async () => {
    await page.getByLabel('Destination folder').fill('relative/folder');
    await page.getByRole('button', { name: 'Export and verify' }).click();
    expect(await page.getByTestId('export-error').textContent()).toContain('The destination must be a full path');
    expect(await pageCall(page, 'exports.list', {})).toHaveLength(1);
  });
});
