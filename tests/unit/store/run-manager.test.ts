import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCheckpoints } from '../../../src/main/engine/train/checkpoint';
import { listAdapters } from '../../../src/main/store/adapters';
import { getDataset } from '../../../src/main/store/datasets';
import { checkpointsOf } from '../../../src/main/store/checkpoints';
import { NoValidCheckpointError } from '../../../src/main/store/errors';
import { metricsOf } from '../../../src/main/store/metrics';
import type { RunStatus, RunStepEvent } from '../../../src/main/store/records';
import { RunManager } from '../../../src/main/store/run-manager';
import { getRun, requestRunAction, transitionRun } from '../../../src/main/store/runs';
import { QUICK, trainableLibrary } from './helpers/library-run';

describe('RunManager', () => {
  it('trains a run to completion, recording each step, each validation, its checkpoints and its adapter', async () => {
    const { library, modelId, datasetId } = await trainableLibrary();
    const statuses: RunStatus[] = [];
    const steps: RunStepEvent[] = [];
    const manager = new RunManager(library, { onStatus: (run) => statuses.push(run.status), onStep: (event) => steps.push(event) });
    const started = manager.start({ modelId, datasetId, settings: QUICK });
    expect(started.name).toMatch(/ on rows\.jsonl$/);
    expect(manager.busy).toBe(true);
    const run = await manager.finished(started.id);
    expect(manager.busy).toBe(false);

    expect(run).toMatchObject({ status: 'completed', stopReason: 'completed', step: 8, totalSteps: 8, device: 'cpu', error: null });
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('completed');
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    const points = metricsOf(library, run.id);
    expect(points.filter((p) => p.split === 'train').map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(points.filter((p) => p.split === 'validation').map((p) => p.step)).toEqual([4, 8]);
    expect(points.find((p) => p.step === 3 && p.split === 'train')).toMatchObject({ loss: steps[2]!.loss, learningRate: expect.any(Number), gradNorm: expect.any(Number) });

    // The rows match the folders the trainer kept (it prunes to keepCheckpoints).
    const onDisk = await listCheckpoints(join(run.path, 'checkpoints'));
    expect(checkpointsOf(library, run.id).map((c) => c.step)).toEqual(onDisk.map((c) => c.step).sort((a, b) => a - b));
    expect(onDisk.map((c) => c.step)).toEqual([8, 6]);

    const [adapter] = listAdapters(library, { runId: run.id });
    expect(adapter).toMatchObject({ modelId, datasetId, name: run.name, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] });
    expect(adapter!.path.startsWith(library.folder('adapters'))).toBe(true);
    expect(await readdir(adapter!.path)).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(adapter!.metrics['steps']).toBe(8);
  });

  it('pauses and resumes in place, and cancels with a checkpoint that a later resume continues from', async () => {
    const { library, modelId, datasetId } = await trainableLibrary();
    const statuses: RunStatus[] = [];
    let paused = false;
    let cancelled = false;
    const manager: RunManager = new RunManager(library, {
      onStatus: (run) => {
        statuses.push(run.status);
        if (run.status === 'paused') setTimeout(() => void manager.resume(run.id), 50);
      },
      onStep: (event) => {
        if (event.step === 2 && !paused) {
          paused = true;
          manager.pause(event.runId);
        } else if (statuses.includes('paused') && statuses.at(-1) === 'running' && !cancelled) {
          cancelled = true;
          manager.cancel(event.runId);
        }
      },
    });
    // Long enough that pause, resume and cancel, each honoured at a step boundary, land well before the end.
    const { id } = manager.start({ modelId, datasetId, settings: { ...QUICK, steps: 200, evalEvery: 100, saveEvery: 1000 } });
    const stopped = await manager.finished(id);
    expect(stopped.status).toBe('cancelled');
    expect(statuses).toEqual(expect.arrayContaining(['queued', 'running', 'paused', 'cancelled']));
    expect(stopped.step).toBeGreaterThanOrEqual(3);
    expect(stopped.step).toBeLessThan(200);
    expect(checkpointsOf(library, id).map((c) => c.step)).toEqual([stopped.step]); // the cancel's own checkpoint
    expect(listAdapters(library)).toEqual([]); // a cancelled run has no adapter until it finishes

    const resumed = await manager.resume(id);
    expect(resumed.status).toBe('running'); // nothing else is training, so it starts at once
    const done = await manager.finished(id);
    expect(done).toMatchObject({ status: 'completed', step: 200 });
    expect(checkpointsOf(library, id).find((c) => c.step === stopped.step)).toMatchObject({ status: 'valid', verifiedAt: expect.any(String) });
    const trainSteps = metricsOf(library, id).filter((p) => p.split === 'train').map((p) => p.step);
    expect(trainSteps).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('refuses to resume from checkpoints whose files no longer verify, saying why, and can start over', async () => {
    const { library, modelId, datasetId } = await trainableLibrary();
    let cancelled = false;
    const manager = new RunManager(library, {
      onStep: (event) => {
        if (event.step === 5 && !cancelled) {
          cancelled = true;
          manager.cancel(event.runId);
        }
      },
    });
    const { id } = manager.start({ modelId, datasetId, settings: QUICK });
    const stopped = await manager.finished(id);
    expect(stopped.status).toBe('cancelled');
    const checkpoints = await listCheckpoints(join(stopped.path, 'checkpoints'));
    expect(checkpoints.length).toBeGreaterThan(0);
    for (const { dir } of checkpoints) {
      const file = join(dir, 'optimizer_state.safetensors');
      const bytes = await readFile(file);
      bytes[bytes.length - 1] ^= 0xff;
      await writeFile(file, bytes);
    }
    const refusal = manager.resume(id);
    await expect(refusal).rejects.toThrow(NoValidCheckpointError);
    await expect(manager.resume(id)).rejects.toThrow(/no checkpoint whose files verify: .*optimizer_state\.safetensors does not match its sha256.*--from-start/);
    expect(checkpointsOf(library, id).every((c) => c.status === 'invalid' && c.problem !== null)).toBe(true);
    expect(getRun(library, id).status).toBe('cancelled');

    await manager.resume(id, { fromStart: true });
    const done = await manager.finished(id);
    expect(done).toMatchObject({ status: 'completed', step: 8 });
    expect(metricsOf(library, id).filter((p) => p.split === 'train')).toHaveLength(8);
  });

  it("honours another process's cancel request, left in the run's row", async () => {
    const { library, modelId, datasetId } = await trainableLibrary();
    const manager = new RunManager(
      library,
      {
        onStep: (event) => {
          if (event.step === 1) requestRunAction(library, event.runId, 'cancel');
        },
      },
      undefined,
      20, // look for requests every 20 ms rather than every second
    );
    const { id } = manager.start({ modelId, datasetId, settings: { ...QUICK, steps: 2000, evalEvery: 1000 } });
    const stopped = await manager.finished(id);
    expect(stopped.status).toBe('cancelled');
    expect(stopped.step).toBeLessThan(2000);
  });

  it('queues a second run until the first is done, and on close marks what it stopped as interrupted', async () => {
    const { library, modelId, datasetId } = await trainableLibrary();
    const manager = new RunManager(library);
    expect(manager.busy).toBe(false);
    const first = manager.start({ modelId, datasetId, settings: { ...QUICK, steps: 400 } });
    const second = manager.start({ modelId, datasetId, settings: QUICK });
    expect(getRun(library, second.id).status).toBe('queued');
    expect(manager.busy).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await manager.close();
    expect(manager.busy).toBe(false);
    expect(getRun(library, first.id).status).toBe('interrupted');
    expect(getRun(library, second.id).status).toBe('interrupted');
    expect(() => transitionRun(library, first.id, 'completed')).toThrow(/interrupted/);
  });

  it('fails a run whose training fails, with the reason', async () => {
    const { library, modelId, datasetId } = await trainableLibrary();
    await rm(getDataset(library, datasetId).path);
    const manager = new RunManager(library);
    const { id } = manager.start({ modelId, datasetId, settings: QUICK });
    const run = await manager.finished(id);
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/ENOENT.*rows\.jsonl/) });
    expect(listAdapters(library)).toEqual([]);
  });
});
