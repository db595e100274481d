/**
 * The crash test of the library: a real training run in a child process killed with SIGKILL
 * in the middle of its steps. Restarted, the library finds the run 'interrupted', the database
 * passes PRAGMA integrity_check, resume finishes the run from its last checkpoint, and the
 * adapter equals (to 1e-6) that of an uninterrupted run with the same seed.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensorsHeader, readTensorFloat32 } from '../../../src/main/engine/onnx/safetensors';
import { listAdapters } from '../../../src/main/store/adapters';
import { DATABASE_FILE } from '../../../src/main/store/library';
import { metricsOf } from '../../../src/main/store/metrics';
import { openLibrary } from '../../../src/main/store/open-library';
import { getRun } from '../../../src/main/store/runs';
import { runLibraryCli } from '../cli/helpers/run-library-cli';
import { scratch, tinyDataFile, tinyModelFolder } from './helpers/fixtures';

const STEPS = 24;
const KILL_AFTER_STEP = 7; // checkpoints every 3 steps: the last complete one is step 6
const SETTINGS = ['--steps', String(STEPS), '--save-every', '3', '--eval-every', '6', '--batch-size', '4', '--max-length', '16', '--seed', '11', '--threads', '1', '--lr', '0.1'];

async function adapterTensors(dir: string): Promise<Map<string, Float32Array>> {
  const header = await readSafetensorsHeader(join(dir, 'adapter_model.safetensors'));
  const tensors = new Map<string, Float32Array>();
  for (const { name } of header.tensors) tensors.set(name, await readTensorFloat32(header, name));
  return tensors;
}

interface Line {
  run?: number;
  step?: number;
  loss?: number;
  done?: boolean;
}

describe('a training run killed with SIGKILL', () => {
  it('is interrupted, leaves a sound database, and resumes to the adapter an uninterrupted run makes', async () => {
    const env = { HYPERADAPT_DATA_DIR: await scratch('crash-library') };
    const model = await tinyModelFolder({ arch: 'llama', seed: 5 });
    const data = await tinyDataFile(48);
    const start = ['runs', 'start', '--model', model, '--data', data, ...SETTINGS, '--json'];

    const reference = await runLibraryCli([...start, '--name', 'uninterrupted'], env);
    expect(reference.code, reference.stderr).toBe(0);

    let killedAt: number | null = null;
    const crashed = await runLibraryCli([...start, '--name', 'killed'], env, (line, child) => {
      const parsed = JSON.parse(line) as Line;
      if (parsed.step === KILL_AFTER_STEP && parsed.loss !== undefined && killedAt === null) {
        killedAt = parsed.step;
        child.kill('SIGKILL'); // the worker is already inside the next step
      }
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect(killedAt).toBe(KILL_AFTER_STEP);

    // As the kill left it: still 'running', owned by a process that is gone.
    const raw = new Database(join(env.HYPERADAPT_DATA_DIR, DATABASE_FILE), { readonly: true });
    const left = raw.prepare<[], { id: number; status: string; step: number }>(`SELECT id, status, step FROM runs WHERE name = 'killed'`).get()!;
    raw.close();
    expect(left.status).toBe('running');
    expect(left.step).toBeGreaterThanOrEqual(KILL_AFTER_STEP);
    expect(left.step).toBeLessThan(STEPS);

    const { library, interrupted } = openLibrary(env.HYPERADAPT_DATA_DIR);
    try {
      expect(interrupted).toEqual([left.id]);
      expect(getRun(library, left.id).status).toBe('interrupted');
      expect(library.db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(library.db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      library.close();
    }

    const resumed = await runLibraryCli(['runs', 'resume', String(left.id), '--json'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    const resumedSteps = resumed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Line)
      .filter((line) => line.step !== undefined && line.loss !== undefined)
      .map((line) => line.step);
    expect(resumedSteps[0]).toBe(7); // from the checkpoint of step 6, the last one complete before the kill
    expect(resumedSteps.at(-1)).toBe(STEPS);

    const after = openLibrary(env.HYPERADAPT_DATA_DIR).library;
    try {
      expect(getRun(after, left.id)).toMatchObject({ status: 'completed', step: STEPS });
      expect(after.db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      // Every step once: the steps redone after the checkpoint replaced what the killed process had written.
      const trainSteps = metricsOf(after, left.id).filter((p) => p.split === 'train').map((p) => p.step);
      expect(trainSteps).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));

      const [first, second] = [listAdapters(after).find((a) => a.name === 'uninterrupted')!, listAdapters(after).find((a) => a.runId === left.id)!];
      const expected = await adapterTensors(first.path);
      const actual = await adapterTensors(second.path);
      expect([...actual.keys()]).toEqual([...expected.keys()]);
      let maxDifference = 0;
      let maxChange = 0;
      for (const [name, values] of expected) {
        const other = actual.get(name)!;
        values.forEach((value, i) => {
          maxDifference = Math.max(maxDifference, Math.abs(value - other[i]!));
          maxChange = Math.max(maxChange, Math.abs(value - 1));
        });
      }
      expect(maxChange).toBeGreaterThan(1e-3); // it trained: the vectors moved away from 1
      expect(maxDifference).toBeLessThanOrEqual(1e-6);
    } finally {
      after.close();
    }
  });
});
