import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { callApi } from '../../../src/main/api/call';
import type { EventMessage } from '../../../src/main/api/contract';
import { dispatch } from '../../../src/main/api/dispatch';
import { ApiEventBus } from '../../../src/main/api/events';
import { tinyDataFile, tinyModelFolder } from '../store/helpers/fixtures';
import { QUICK } from '../store/helpers/library-run';
import { createRun } from '../../../src/main/store/runs';
import { completeSettings } from '../../../src/main/store/run-options';
import { testContext } from './helpers/context';

/** The pid of a process that has already exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid!));
  });
}

describe('library API', () => {
  it('adds a model and a dataset, trains a run with progress events, and serves its record, metrics and adapter', async () => {
    const events = new ApiEventBus();
    const received: EventMessage[] = [];
    events.subscribe((message) => received.push(message));
    const context = testContext(events);

    const { model, added } = await callApi(context, 'models.add', { path: await tinyModelFolder({ arch: 'qwen3', seed: 2 }), name: 'tiny' });
    expect(added).toBe(true);
    expect(received.some((m) => m.event === 'models.addProgress')).toBe(true);
    const { dataset } = await callApi(context, 'datasets.add', { path: await tinyDataFile(40) });

    const started = await callApi(context, 'runs.start', { modelId: model.id, datasetId: dataset.id, settings: QUICK });
    const run = await context.library.runs.finished(started.id);
    expect(run.status).toBe('completed');
    const steps = received.filter((m) => m.event === 'runs.step');
    expect(steps).toHaveLength(8);
    expect(received.filter((m) => m.event === 'runs.validation').map((m) => (m.payload as { step: number }).step)).toEqual([4, 8]);
    expect(received.filter((m) => m.event === 'runs.status').map((m) => (m.payload as { status: string }).status).at(-1)).toBe('completed');

    const detail = await callApi(context, 'runs.get', { id: run.id });
    expect(detail).toMatchObject({ run: { id: run.id, status: 'completed' }, model: { id: model.id }, dataset: { id: dataset.id }, adapter: { runId: run.id } });
    expect(await callApi(context, 'runs.metrics', { id: run.id, afterStep: 6 })).toHaveLength(3); // train 7, 8 and validation 8
    expect(await callApi(context, 'adapters.checkLineage', { adapterId: detail.adapter!.id, modelId: model.id })).toEqual({ fits: true });
    expect((await callApi(context, 'runs.tag', { id: run.id, tags: [' keep ', 'keep', 'best'] })).tags).toEqual(['keep', 'best']);
    expect((await callApi(context, 'runs.rename', { id: run.id, name: '  first try ' })).name).toBe('first try');
    expect(await callApi(context, 'runs.delete', { id: run.id })).toEqual({ id: run.id });
    expect(await callApi(context, 'runs.list', {})).toEqual([]);

    // A run whose training process died (a CLI killed, say) shows as interrupted at the next look.
    const orphan = createRun(context.library.library, { name: 'orphan', modelId: model.id, datasetId: dataset.id, settings: completeSettings({}) });
    context.library.library.db.prepare(`UPDATE runs SET status = 'running', owner_pid = ? WHERE id = ?`).run(await deadPid(), orphan.id);
    expect((await callApi(context, 'runs.list', {})).map((r) => [r.id, r.status])).toEqual([[orphan.id, 'interrupted']]);
    expect(await callApi(context, 'adapters.list', { modelId: model.id })).toHaveLength(1);
  });

  it('validates input at the edge and reports library errors with their message', async () => {
    const context = testContext();
    const badSettings = await dispatch('runs.start', { modelId: 1, datasetId: 1, settings: { lr: -1 } }, context);
    expect(badSettings).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'settings.lr' }] } });
    const unknownSetting = await dispatch('runs.start', { modelId: 1, datasetId: 1, settings: { learningRate: 0.1 } }, context);
    expect(unknownSetting).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const oneRun = await dispatch('runs.compare', { ids: [1] }, context);
    expect(oneRun).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'ids' }] } });
    const missing = await dispatch('runs.get', { id: 7 }, context);
    expect(missing).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no run with id 7/) } });
    const setting = await callApi(context, 'settings.dataDirectory', {});
    expect(setting.inUse).toBe(context.library.library.dataDirectory);
    expect(setting.restartRequired).toBe(setting.next !== setting.inUse); // the next start follows the environment or the setting
  });
});
