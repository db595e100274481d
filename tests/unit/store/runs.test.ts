import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RunStateError } from '../../../src/main/store/errors';
import type { Library } from '../../../src/main/store/library';
import { bootTimeMs } from '../../../src/main/store/process-liveness';
import { canTransition, createRun, getRun, listRuns, markInterrupted, requestRunAction, takeRunRequest, transitionRun } from '../../../src/main/store/runs';
import { completeSettings } from '../../../src/main/store/run-options';
import { scratchLibrary } from './helpers/fixtures';

function seed(library: Library): { modelId: number; datasetId: number } {
  library.db
    .prepare(
      `INSERT INTO models (name, path, source_path, architecture, parameter_count, hyperadapt_parameter_count, dtype, config_sha256, weight_files, identity_sha256, size_bytes, linked, added_at)
       VALUES ('m', 'models/m', '/src', 'LlamaForCausalLM', 1, 1, 'F32', 'c', '[]', 'i', 1, 1, 'now')`,
    )
    .run();
  library.db.prepare(`INSERT INTO datasets (name, path, source_path, content_sha256, format, rows, size_bytes, added_at) VALUES ('d', 'datasets/d/x', '/x', 'h', 'jsonl', 1, 1, 'now')`).run();
  return { modelId: 1, datasetId: 1 };
}

/** The pid of a process that has already exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid!));
  });
}

function setOwner(library: Library, id: number, status: string, pid: number, boot: number): void {
  library.db.prepare('UPDATE runs SET status = ?, owner_pid = ?, owner_boot_ms = ? WHERE id = ?').run(status, pid, boot, id);
}

describe('run lifecycle', () => {
  it('creates a queued run with the default settings and moves it only along the lifecycle', async () => {
    const library = await scratchLibrary();
    const ids = seed(library);
    const run = createRun(library, { name: 'first', ...ids, settings: completeSettings({ steps: 10, lr: 0.05 }) });
    expect(run).toMatchObject({ status: 'queued', step: 0, path: `${library.dataDirectory}/runs/${run.id}`, settings: { steps: 10, lr: 0.05, batchSize: 4, schedule: 'cosine' } });
    expect(transitionRun(library, run.id, 'running', { startedAt: '2025-01-01T00:00:00.000Z' })).toMatchObject({ status: 'running', startedAt: '2025-01-01T00:00:00.000Z', finishedAt: null });
    expect(transitionRun(library, run.id, 'paused').status).toBe('paused');
    expect(transitionRun(library, run.id, 'running', { startedAt: 'later' }).startedAt).toBe('2025-01-01T00:00:00.000Z'); // the first start stays
    const done = transitionRun(library, run.id, 'completed', { step: 10, stopReason: 'completed' });
    expect(done).toMatchObject({ status: 'completed', step: 10, stopReason: 'completed', finishedAt: expect.any(String) });
    expect(() => transitionRun(library, run.id, 'queued')).toThrow(RunStateError);
    expect(() => transitionRun(library, run.id, 'queued')).toThrow(/Run 1 is completed, so it cannot be moved to queued.*finished/);
    expect(canTransition('interrupted', 'queued')).toBe(true);
    expect(canTransition('interrupted', 'running')).toBe(false);
    expect(listRuns(library, { status: 'completed' }).map((r) => r.id)).toEqual([run.id]);
  });

  it('refuses settings the trainer would refuse, naming the setting', () => {
    expect(() => completeSettings({ lr: -1 })).toThrow(/Training setting lr/);
    expect(() => completeSettings({ targets: ['q_proj', 'wq'] })).toThrow(/unknown target module\(s\) wq/);
  });

  it("marks runs of a process that is gone as interrupted, and leaves live owners' runs alone", async () => {
    const library = await scratchLibrary();
    const ids = seed(library);
    const settings = completeSettings({});
    const [dead, live, rebooted, paused, finished] = ['dead', 'live', 'rebooted', 'paused', 'finished'].map((name) => createRun(library, { name, ...ids, settings }).id) as [number, number, number, number, number];
    const gone = await deadPid();
    setOwner(library, dead, 'running', gone, bootTimeMs());
    setOwner(library, live, 'running', process.ppid, bootTimeMs()); // the test runner's parent: alive
    setOwner(library, rebooted, 'running', process.ppid, bootTimeMs() - 3_600_000); // same pid number, an earlier boot
    setOwner(library, paused, 'paused', gone, bootTimeMs());
    transitionRun(library, finished, 'running');
    transitionRun(library, finished, 'completed');
    expect(markInterrupted(library).sort()).toEqual([dead, rebooted, paused].sort());
    expect(getRun(library, dead)).toMatchObject({ status: 'interrupted', finishedAt: expect.any(String) });
    expect(getRun(library, live).status).toBe('running');
    expect(getRun(library, finished).status).toBe('completed');
    expect(markInterrupted(library)).toEqual([]);
  });

  it('passes a request to the owning process once', async () => {
    const library = await scratchLibrary();
    const ids = seed(library);
    const run = createRun(library, { name: 'r', ...ids, settings: completeSettings({}) });
    requestRunAction(library, run.id, 'cancel');
    expect(takeRunRequest(library, run.id)).toBe('cancel');
    expect(takeRunRequest(library, run.id)).toBeNull();
    transitionRun(library, run.id, 'cancelled');
    expect(() => requestRunAction(library, run.id, 'pause')).toThrow(/cancelled, so it cannot be asked to pause/);
  });
});
