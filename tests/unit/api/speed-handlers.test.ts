import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callApi } from '../../../src/main/api/call';
import { dispatch } from '../../../src/main/api/dispatch';
import type { SpeedEstimate, SpeedMeasurement } from '../../../src/main/api/train-contract';
import { completeSettings } from '../../../src/main/store/run-options';
import { createRun, transitionRun } from '../../../src/main/store/runs';
import { tinyDataFile, tinyModelFolder } from '../store/helpers/fixtures';
import { testContext } from './helpers/context';

function measured(result: SpeedMeasurement): SpeedEstimate {
  if (result.status !== 'measured') throw new Error(`not measured: ${result.message}`);
  return result.estimate;
}

async function seeded() {
  const context = testContext();
  const { model } = await callApi(context, 'models.add', { path: await tinyModelFolder({ arch: 'qwen2', seed: 3 }), name: 'tiny' });
  const { dataset } = await callApi(context, 'datasets.add', { path: await tinyDataFile(40), name: 'rows' });
  return { context, modelId: model.id, datasetId: dataset.id };
}

describe('runs.measureSpeed', () => {
  it('times real steps of the run-to-be, records nothing, and answers again from its cache', async () => {
    const { context, modelId, datasetId } = await seeded();
    const settings = { batchSize: 4, maxLength: 16, epochs: 2, valSplit: 0.1, threads: 1 };
    const first = measured(await callApi(context, 'runs.measureSpeed', { modelId, datasetId, settings }));
    // 40 rows, 4 held out for validation: 36 rows, 9 steps of 4 a pass, two passes.
    expect(first).toMatchObject({ modelId, datasetId, device: 'cpu', warmupSteps: 1, measuredSteps: 3, trainRows: 36, validationRows: 4, stepsPerEpoch: 9, totalSteps: 18, cached: false });
    expect(first.secondsPerStep).toBeGreaterThan(0);
    expect(first.tokensPerSecond).toBeGreaterThan(0);
    expect(first.trainingSeconds).toBeCloseTo(18 * first.secondsPerStep, 9);
    expect(first.evaluations).toBeGreaterThan(0);
    expect(first.totalSeconds).toBeCloseTo(first.setupSeconds + first.trainingSeconds + first.evaluationSeconds, 9);

    // Nothing in the library: no run, no adapter, no run folder.
    expect(await callApi(context, 'runs.list', {})).toEqual([]);
    expect(await callApi(context, 'adapters.list', {})).toEqual([]);
    const dataDir = context.library.library.dataDirectory;
    expect((await readdir(dataDir)).includes('runs') ? await readdir(join(dataDir, 'runs')) : []).toEqual([]);

    // More epochs or a fixed step count change the length, not the speed: no new measurement.
    const longer = measured(await callApi(context, 'runs.measureSpeed', { modelId, datasetId, settings: { ...settings, epochs: 3 } }));
    expect(longer).toMatchObject({ cached: true, totalSteps: 27, secondsPerStep: first.secondsPerStep, measuredAt: first.measuredAt });
    const fixed = measured(await callApi(context, 'runs.measureSpeed', { modelId, datasetId, settings: { ...settings, steps: 5 } }));
    expect(fixed).toMatchObject({ cached: true, totalSteps: 5 });
    // A different batch is a different step: measured anew.
    const batch2 = measured(await callApi(context, 'runs.measureSpeed', { modelId, datasetId, settings: { ...settings, batchSize: 2 } }));
    expect(batch2).toMatchObject({ cached: false, totalSteps: 36 });
  });

  it('is refused while a run trains, and a run that starts stops a measurement in progress', async () => {
    const { context, modelId, datasetId } = await seeded();
    const library = context.library.library;
    const run = createRun(library, { name: 'busy', modelId, datasetId, settings: completeSettings({ steps: 5 }) });
    transitionRun(library, run.id, 'running');
    const refused = await dispatch('runs.measureSpeed', { modelId, datasetId, settings: { maxLength: 16, threads: 1 } }, context);
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/Run \d+ \("busy"\) is training/) } });
    transitionRun(library, run.id, 'cancelled');

    const pending = callApi(context, 'runs.measureSpeed', { modelId, datasetId, settings: { maxLength: 16, threads: 1 } });
    const started = await callApi(context, 'runs.start', { modelId, datasetId, settings: { steps: 2, maxLength: 16, threads: 1 } });
    await expect(pending).resolves.toMatchObject({ status: 'cancelled', message: expect.stringContaining('a run started') });
    expect((await context.library.runs.finished(started.id)).status).toBe('completed');
  });

  it('says why it cannot measure: an unknown target, a missing model', async () => {
    const { context, modelId, datasetId } = await seeded();
    const unknown = await dispatch('runs.measureSpeed', { modelId, datasetId, settings: { targets: ['q_proj', 'lm_head'] } }, context);
    expect(unknown).toMatchObject({ ok: false, error: { message: expect.stringContaining('unknown target module(s) lm_head') } });
    const none = await dispatch('runs.measureSpeed', { modelId, datasetId, settings: { targets: [] } }, context);
    expect(none).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'settings.targets', message: 'Choose at least one module to adapt.' }] } });
    const missing = await dispatch('runs.measureSpeed', { modelId: 999, datasetId }, context);
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('999') } });
  });
});
