import { describe, expect, it } from 'vitest';
import { callApi } from '../../../src/main/api/call';
import { dispatch } from '../../../src/main/api/dispatch';
import { tinyDataFile, tinyModelFolder } from '../store/helpers/fixtures';
import { testContext } from './helpers/context';

describe('models.inspect targets', () => {
  it('lists every module with its counts, and counts and estimates memory for a chosen few', async () => {
    const path = await tinyModelFolder({ arch: 'llama', hidden: 32, layers: 2 });
    const context = testContext();
    const all = await callApi(context, 'models.inspect', { path, batch: 2, seqLen: 64 });
    expect(all.targets.map((t) => t.module)).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']);
    expect(all.targets.every((t) => t.chosen)).toBe(true);
    // The default counts are the sums over every module; LoRA r=8 is 8 times each.
    expect(all.hyperAdaptParameters).toBe(all.targets.reduce((n, t) => n + t.hyperAdaptParameters, 0));
    for (const t of all.targets) expect(t.loraParameters).toBe(8 * t.hyperAdaptParameters);
    // q_proj of a hidden-32 model: a [32] and b [32] per layer, two layers.
    expect(all.targets[0]).toMatchObject({ module: 'q_proj', hyperAdaptParameters: 2 * (32 + 32) });

    const few = await callApi(context, 'models.inspect', { path, batch: 2, seqLen: 64, targets: ['v_proj', 'q_proj'] });
    const chosen = all.targets.filter((t) => t.module === 'q_proj' || t.module === 'v_proj');
    expect(few.hyperAdaptParameters).toBe(chosen.reduce((n, t) => n + t.hyperAdaptParameters, 0));
    expect(few.hyperAdaptParameters).toBeLessThan(all.hyperAdaptParameters);
    expect(few.loraParameters).toBe(8 * few.hyperAdaptParameters);
    expect(few.targets.filter((t) => t.chosen).map((t) => t.module)).toEqual(['q_proj', 'v_proj']);
    expect(few.memory.activationBytes).toBeLessThan(all.memory.activationBytes);
  });

  it('refuses an empty choice at the field and an unknown module by name', async () => {
    const path = await tinyModelFolder();
    const context = testContext();
    const empty = await dispatch('models.inspect', { path, targets: [] }, context);
    expect(empty).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'targets', message: 'Choose at least one module to adapt.' }] } });
    const unknown = await dispatch('models.inspect', { path, targets: ['q_proj', 'mlp'] }, context);
    expect(unknown).toMatchObject({ ok: false, error: { message: expect.stringContaining('unknown target module(s) mlp; choose among q_proj') } });
  });
});

describe('runs.start targets', () => {
  it('records the chosen modules and trains only them', async () => {
    const context = testContext();
    const { model } = await callApi(context, 'models.add', { path: await tinyModelFolder({ seed: 4 }) });
    const { dataset } = await callApi(context, 'datasets.add', { path: await tinyDataFile(20) });
    const started = await callApi(context, 'runs.start', { modelId: model.id, datasetId: dataset.id, settings: { steps: 2, maxLength: 16, threads: 1, targets: ['q_proj', 'v_proj'] } });
    expect(started.settings.targets).toEqual(['q_proj', 'v_proj']);
    expect((await context.library.runs.finished(started.id)).status).toBe('completed');
    const [adapter] = await callApi(context, 'adapters.list', { runId: started.id });
    const inspection = await callApi(context, 'models.inspect', { path: model.path, targets: ['q_proj', 'v_proj'] });
    expect(adapter).toMatchObject({ targetModules: ['q_proj', 'v_proj'], parameterCount: inspection.hyperAdaptParameters });
    const refused = await dispatch('runs.start', { modelId: model.id, datasetId: dataset.id, settings: { targets: [] } }, context);
    expect(refused).toMatchObject({ ok: false, error: { issues: [{ path: 'settings.targets', message: 'Choose at least one module to adapt.' }] } });
  });
});
