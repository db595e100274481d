import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callApi } from '../../../src/main/api/call';
import type { EventMessage, ExportDoneEvent, ExportProgressEvent } from '../../../src/main/api/contract';
import { dispatch } from '../../../src/main/api/dispatch';
import { ApiEventBus } from '../../../src/main/api/events';
import { tinyDataFile, tinyModelFolder } from '../store/helpers/fixtures';
import { QUICK } from '../store/helpers/library-run';
import { testContext } from './helpers/context';

function finished(received: EventMessage[], jobId: string, timeoutMs = 60_000): Promise<ExportDoneEvent> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const done = received.find((m) => m.event === 'exports.done' && (m.payload as ExportDoneEvent).jobId === jobId);
      if (done) resolve(done.payload as ExportDoneEvent);
      else if (Date.now() > deadline) reject(new Error(`no exports.done for ${jobId}`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

describe('exports API', () => {
  it('exports a trained adapter as GGUF f16 with progress, verifies it, records it, and cancels another export cleanly', async () => {
    const events = new ApiEventBus();
    const received: EventMessage[] = [];
    events.subscribe((message) => received.push(message));
    const context = testContext(events);
    const { model } = await callApi(context, 'models.add', { path: await tinyModelFolder({ arch: 'qwen2', seed: 6 }), name: 'tiny' });
    const { dataset } = await callApi(context, 'datasets.add', { path: await tinyDataFile(40) });
    const run = await callApi(context, 'runs.start', { modelId: model.id, datasetId: dataset.id, settings: QUICK });
    await context.library.runs.finished(run.id);
    const [adapter] = await callApi(context, 'adapters.list', { runId: run.id });
    const parent = await mkdtemp(join(tmpdir(), 'hyperadapt-api-export-'));

    const out = join(parent, 'gguf');
    const { jobId } = await callApi(context, 'exports.start', { adapterId: adapter!.id, format: 'gguf', dtype: 'f16', out });
    const done = await finished(received, jobId);
    expect(done).toMatchObject({ outcome: 'completed', message: null, result: { format: 'gguf', dtype: 'f16', path: out, modelfile: join(out, 'Modelfile') } });
    expect(done.result!.verification).toMatchObject({ passed: true, problem: null, toleranceTop1Agreement: 0.9 });
    expect(done.result!.verification.top1Agreement).toBeGreaterThanOrEqual(0.9);
    expect(done.result!.verification.positions).toBeGreaterThan(0);
    expect(existsSync(join(out, 'model.gguf'))).toBe(true);
    expect(existsSync(join(out, 'Modelfile'))).toBe(true);

    const phases = received.filter((m) => m.event === 'exports.progress' && (m.payload as ExportProgressEvent).jobId === jobId).map((m) => (m.payload as ExportProgressEvent).phase);
    expect([...new Set(phases)]).toEqual(['reference', 'write', 'verify']);
    const [record] = await callApi(context, 'exports.list', { adapterId: adapter!.id });
    expect(record).toMatchObject({ id: done.record!.id, format: 'gguf-f16', path: out, verified: true });

    // Cancelled at once: reported as cancelled, nothing at the destination, nothing recorded.
    const other = join(parent, 'merged');
    const second = await callApi(context, 'exports.start', { adapterId: adapter!.id, format: 'safetensors', out: other });
    expect(await callApi(context, 'exports.cancel', { jobId: second.jobId })).toEqual({ cancelled: true });
    expect(await finished(received, second.jobId)).toMatchObject({ outcome: 'cancelled', result: null, record: null });
    expect(existsSync(other)).toBe(false);
    expect(await callApi(context, 'exports.list', {})).toHaveLength(1);
    expect(await callApi(context, 'exports.cancel', { jobId: second.jobId })).toEqual({ cancelled: false });

    // The destination is never overwritten.
    const again = await callApi(context, 'exports.start', { adapterId: adapter!.id, format: 'adapter', out });
    expect(await finished(received, again.jobId)).toMatchObject({ outcome: 'failed', result: null });
  });

  it('refuses bad input at the call', async () => {
    const context = testContext();
    expect(await dispatch('exports.start', { adapterId: 1, format: 'safetensors', dtype: 'f16', out: '/tmp/x' }, context)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await dispatch('exports.start', { adapterId: 1, format: 'gguf', out: 'relative/folder' }, context)).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'out' }] } });
    expect(await dispatch('exports.start', { adapterId: 1, format: 'zip', out: '/tmp/x' }, context)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await dispatch('exports.start', { adapterId: 42, format: 'gguf', out: '/tmp/x' }, context)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
