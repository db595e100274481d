import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackendFactory } from '../../../src/main/engine/train/run-training';
import { measureTrainingSpeed, projectRun } from '../../../src/main/engine/train/speed-probe';
import { TRAIN_DEFAULTS } from '../../../src/main/engine/train/train-options';
import { scratch, tinyModelFolder } from '../store/helpers/fixtures';
import { quadraticBackend } from './helpers/quadratic-backend';

/** The quadratic stand-in as a training backend, noting the sequence length of every micro-batch. */
function recordingFactory(lengths: number[]): { factory: BackendFactory; released: () => boolean } {
  let released = false;
  const factory: BackendFactory = async () => {
    const inner = quadraticBackend();
    return {
      device: 'cpu',
      trainMicroBatch: (batch, params) => {
        lengths.push(batch.seqLen);
        return inner.trainMicroBatch(batch, params);
      },
      evalMicroBatch: (batch, params) => inner.evalMicroBatch(batch, params),
      release: async () => {
        released = true;
      },
    };
  };
  return { factory, released: () => released };
}

/** Rows of 4 and of 100 tokens: batches fall into the 64- and the 128-token buckets. */
async function mixedLengthData(): Promise<string> {
  const dir = await scratch('mixed');
  await mkdir(dir, { recursive: true });
  const rows = Array.from({ length: 24 }, (_, i) => ({ input_ids: Array.from({ length: i % 3 === 0 ? 100 : 4 }, (_, j) => 1 + ((i + j) % 60)) }));
  const path = join(dir, 'rows.jsonl');
  await writeFile(path, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  return path;
}

describe('measureTrainingSpeed', () => {
  it('opens every bucket the timed steps use before timing them, and releases the backend', async () => {
    const lengths: number[] = [];
    const { factory, released } = recordingFactory(lengths);
    const options = { ...TRAIN_DEFAULTS, model: await tinyModelFolder(), data: await mixedLengthData(), batchSize: 2, maxLength: 128, valSplit: 0 };
    const result = await measureTrainingSpeed(options, factory, { warmupSteps: 1, timedSteps: 3, budgetMs: 60_000 });
    expect(result).toMatchObject({ device: 'cpu', warmupSteps: 1, measuredSteps: 3, trainRows: 24, validationRows: 0 });
    expect(result!.secondsPerStep).toBeGreaterThan(0);
    expect(result!.setupSeconds).toBeGreaterThan(0);
    const warmed = lengths.length - 4; // one micro-batch per step after the untimed ones
    expect(new Set(lengths.slice(0, warmed))).toEqual(new Set(lengths.slice(warmed)));
    expect(released()).toBe(true);
  });

  it('reads the data as the run would: rows with errors left out when the dataset says so', async () => {
    const data = await mixedLengthData();
    await writeFile(data, '{"input_ids": "not a list"}\n', { flag: 'a' });
    const options = { ...TRAIN_DEFAULTS, model: await tinyModelFolder(), data, batchSize: 2, maxLength: 128, valSplit: 0 };
    const plan = { warmupSteps: 1, timedSteps: 1, budgetMs: 60_000 };
    await expect(measureTrainingSpeed(options, recordingFactory([]).factory, plan)).rejects.toThrow(/rows\.jsonl:25/);
    const result = await measureTrainingSpeed({ ...options, dropInvalidRows: true }, recordingFactory([]).factory, plan);
    expect(result).toMatchObject({ trainRows: 24 });
  });

  it('stops with no figure when told to', async () => {
    const { factory, released } = recordingFactory([]);
    const options = { ...TRAIN_DEFAULTS, model: await tinyModelFolder(), data: await mixedLengthData(), batchSize: 2, maxLength: 128 };
    await expect(measureTrainingSpeed(options, factory, undefined, { shouldStop: () => true })).resolves.toBeNull();
    expect(released()).toBe(false); // stopped after loading, before a backend was built
  });
});

describe('projectRun', () => {
  const speed = { secondsPerStep: 2, trainRows: 100, validationRows: 10, setupSeconds: 5 };

  it('counts epochs over the training rows, or the fixed steps, and adds the validation passes', () => {
    const run = projectRun(speed, { epochs: 2, batchSize: 4, gradAccum: 2, evalEvery: 10 });
    // 100 rows, 8 a step: 13 steps a pass, 25 for two (the last partial).
    expect(run).toMatchObject({ stepsPerEpoch: 13, totalSteps: 25, evaluations: 3, trainingSeconds: 50 });
    // At steps 10, 20 and the last: 3 passes of 3 micro-batches, each a third of a training micro-batch (2 s / 2 / 3).
    expect(run.evaluationSeconds).toBeCloseTo(3 * 3 * (1 / 3), 9);
    expect(run.totalSeconds).toBeCloseTo(5 + 53, 9);
    expect(projectRun(speed, { epochs: 2, steps: 7, batchSize: 4, gradAccum: 1 })).toMatchObject({ totalSteps: 7, evaluations: 7 });
    expect(projectRun({ ...speed, validationRows: 0 }, { epochs: 1, batchSize: 4, gradAccum: 1 })).toMatchObject({ totalSteps: 25, evaluations: 0, evaluationSeconds: 0, totalSeconds: 55 });
  });
});
