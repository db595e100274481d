import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../../../src/main/api/call';
import { dispatch } from '../../../src/main/api/dispatch';
import { tinyDataFile, tinyModelFolder } from '../store/helpers/fixtures';
import { QUICK } from '../store/helpers/library-run';
import { testContext } from './helpers/context';

// settings.json lives in the platform's default folder: point it at a scratch one for this file.
const saved = process.env['XDG_DATA_HOME'];
const home = mkdtempSync(join(tmpdir(), 'hyperadapt-prefs-'));
beforeAll(() => {
  process.env['XDG_DATA_HOME'] = home;
});
afterAll(() => {
  if (saved === undefined) delete process.env['XDG_DATA_HOME'];
  else process.env['XDG_DATA_HOME'] = saved;
});

describe('settings.preferences', () => {
  it('starts from the defaults, keeps changes in settings.json beside the data folder, and validates them', async () => {
    const context = testContext();
    expect(await callApi(context, 'settings.preferences', {})).toEqual({ device: 'auto', threads: null, theme: 'system' });
    expect(await callApi(context, 'settings.setPreferences', { device: 'cpu', threads: 2, theme: 'dark' })).toEqual({ device: 'cpu', threads: 2, theme: 'dark' });
    const file = JSON.parse(await readFile(join(home, 'hyperadapt-studio', 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ device: 'cpu', threads: 2, theme: 'dark' });
    expect(await callApi(context, 'settings.setPreferences', { threads: null })).toEqual({ device: 'cpu', threads: null, theme: 'dark' });
    const bad = await dispatch('settings.setPreferences', { device: 'tpu', threads: 0 }, context);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it("gives new runs the chosen device and threads where the run's settings are silent", async () => {
    const context = testContext();
    await callApi(context, 'settings.setPreferences', { device: 'cpu', threads: 1 });
    const { model } = await callApi(context, 'models.add', { path: await tinyModelFolder({ arch: 'qwen2', seed: 4 }) });
    const { dataset } = await callApi(context, 'datasets.add', { path: await tinyDataFile(20) });
    const { threads: _threads, ...quick } = QUICK;
    const run = await callApi(context, 'runs.start', { modelId: model.id, datasetId: dataset.id, settings: { ...quick, steps: 2 } });
    expect(run.settings).toMatchObject({ device: 'cpu', threads: 1 });
    const own = await callApi(context, 'runs.start', { modelId: model.id, datasetId: dataset.id, settings: { ...quick, steps: 2, threads: 1, device: 'auto' } });
    expect(own.settings.device).toBe('auto');
    await context.library.runs.finished(own.id);
  });
});
