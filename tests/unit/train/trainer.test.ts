import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestValidCheckpoint, listCheckpoints, loadCheckpoint, verifyCheckpoint } from '../../../src/main/engine/train/checkpoint';
import { IGNORE_INDEX, type TrainingExample } from '../../../src/main/engine/train/examples';
import { buildMicroBatch } from '../../../src/main/engine/train/micro-batch';
import { DEFAULT_ADAMW } from '../../../src/main/engine/train/optimizer';
import { RowStream } from '../../../src/main/engine/train/row-stream';
import { TrainLoop, type TrainLoopConfig } from '../../../src/main/engine/train/trainer';
import { quadraticBackend } from './helpers/quadratic-backend';

const P = 6;
const quadratic = quadraticBackend();

function example(tokens: number[], supervisedFrom = 1): TrainingExample {
  return {
    inputIds: Int32Array.from(tokens),
    labels: Int32Array.from(tokens.map((token, t) => (t >= supervisedFrom ? token : IGNORE_INDEX))),
  };
}

const rows = Array.from({ length: 10 }, (_, r) => example([1, 2 + (r % 4), 3 + (r % 3), 4 + r], 1 + (r % 2)));
const validation = [example([1, 5, 6]), example([2, 3, 9, 9])];

const baseConfig: TrainLoopConfig = {
  lr: 0.05,
  schedule: 'cosine',
  warmupSteps: 2,
  totalSteps: 10,
  batchSize: 2,
  gradAccum: 2,
  maxLength: 8,
  buckets: [4, 8],
  clip: 1,
  adamw: DEFAULT_ADAMW,
  seed: 11,
  shuffle: true,
  evalEvery: 5,
  saveEvery: 3,
  keepCheckpoints: 10,
  earlyStopping: null,
  padTokenId: 0,
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-train-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('buildMicroBatch', () => {
  it('right-pads rows and shifts labels one position left', () => {
    const batch = buildMicroBatch([example([7, 8, 9], 2), example([5, 6])], 4, 0);
    expect(Array.from(batch.inputIds, Number)).toEqual([7, 8, 9, 0, 5, 6, 0, 0]);
    expect(Array.from(batch.targets, Number)).toEqual([-100, 9, -100, -100, 6, -100, -100, -100]);
    expect(Array.from(batch.attentionMask, Number)).toEqual([1, 1, 1, 0, 1, 1, 0, 0]);
    expect(Array.from(batch.positionIds, Number)).toEqual([0, 1, 2, 0, 0, 1, 0, 0]);
    expect(batch.supervisedTokens).toBe(2);
    expect(batch.tokens).toBe(5);
  });

  it('refuses a row longer than the bucket', () => {
    expect(() => buildMicroBatch([example([1, 2, 3])], 2, 0)).toThrow(/3 tokens does not fit the 2-token bucket/);
  });
});

describe('RowStream', () => {
  it('visits rows in file order without shuffle and wraps around', () => {
    const stream = new RowStream(3, false, 0);
    expect(stream.take(7)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(stream.current).toEqual({ epoch: 2, index: 1 });
  });

  it('is a permutation per epoch and resumes from a saved position', () => {
    const stream = new RowStream(5, true, 3);
    const first = stream.take(5);
    expect([...first].sort()).toEqual([0, 1, 2, 3, 4]);
    stream.take(2);
    const position = stream.current;
    const rest = stream.take(6);
    expect(new RowStream(5, true, 3, position).take(6)).toEqual(rest);
  });
});

describe('TrainLoop', () => {
  it('drives the loss down', async () => {
    const losses: number[] = [];
    const loop = new TrainLoop({ ...baseConfig, totalSteps: 30, lr: 0.1 }, quadratic, rows, validation, new Float32Array(P).fill(1), null);
    await loop.run({ onStep: (m) => losses.push(m.loss) });
    expect(losses).toHaveLength(30);
    expect(losses[29]!).toBeLessThan(losses[0]! * 0.5);
  });

  it('accumulating two micro-batches of 2 equals one batch of 4', async () => {
    const run = async (batchSize: number, gradAccum: number) => {
      const losses: number[] = [];
      const loop = new TrainLoop({ ...baseConfig, batchSize, gradAccum, shuffle: false }, quadratic, rows, [], new Float32Array(P).fill(1), null);
      const result = await loop.run({ onStep: (m) => losses.push(m.loss) });
      return { losses, params: Array.from(result.params) };
    };
    const accumulated = await run(2, 2);
    const single = await run(4, 1);
    accumulated.losses.forEach((loss, i) => expect(loss).toBeCloseTo(single.losses[i]!, 5));
    accumulated.params.forEach((p, i) => expect(p).toBeCloseTo(single.params[i]!, 5));
  });

  it('resumes from a checkpoint to exactly the losses and parameters of an uninterrupted run', async () => {
    const uninterrupted: number[] = [];
    const full = await new TrainLoop(baseConfig, quadratic, rows, validation, new Float32Array(P).fill(1), join(dir, 'a')).run({
      onStep: (m) => uninterrupted.push(m.loss),
    });

    // Cancel after 5 steps: the loop checkpoints the last completed step.
    const firstHalf: number[] = [];
    let calls = 0;
    const cancelled = await new TrainLoop(baseConfig, quadratic, rows, validation, new Float32Array(P).fill(1), join(dir, 'b')).run({
      beforeStep: async () => (++calls > 5 ? 'stop' : 'continue'),
      onStep: (m) => firstHalf.push(m.loss),
    });
    expect(cancelled.reason).toBe('cancelled');
    const { dir: latest } = await latestValidCheckpoint(join(dir, 'b'));
    expect(latest).toMatch(/step-00000005$/);

    const secondHalf: number[] = [];
    const resumed = await new TrainLoop(
      baseConfig,
      quadratic,
      rows,
      validation,
      new Float32Array(P).fill(1),
      join(dir, 'b'),
      await loadCheckpoint(latest!),
    ).run({ onStep: (m) => secondHalf.push(m.loss) });
    expect([...firstHalf, ...secondHalf]).toEqual(uninterrupted);
    expect(Array.from(resumed.params)).toEqual(Array.from(full.params));
  });

  it('refuses to resume with different settings', async () => {
    await new TrainLoop({ ...baseConfig, totalSteps: 3 }, quadratic, rows, [], new Float32Array(P).fill(1), dir).run();
    const checkpoint = await loadCheckpoint((await latestValidCheckpoint(dir)).dir!);
    expect(() => new TrainLoop({ ...baseConfig, totalSteps: 3, lr: 0.5 }, quadratic, rows, [], new Float32Array(P).fill(1), dir, checkpoint)).toThrow(
      /different training settings/,
    );
  });

  it('stops early when the validation loss stops improving', async () => {
    const evals: number[] = [];
    // A learning rate this large makes the validation loss bounce instead of improving.
    const loop = new TrainLoop(
      { ...baseConfig, totalSteps: 40, evalEvery: 1, lr: 3, schedule: 'constant', warmupSteps: 0, clip: 0, earlyStopping: { patience: 2, minDelta: 0.5 } },
      quadratic,
      rows,
      validation,
      new Float32Array(P).fill(1),
      dir,
    );
    const result = await loop.run({ onEval: (m) => evals.push(m.valLoss) });
    expect(result.reason).toBe('early-stopped');
    expect(result.step).toBeLessThan(40);
    expect(evals.length).toBe(result.step);
    expect((await listCheckpoints(dir))[0]!.step).toBe(result.step);
  });
});

describe('checkpoints', () => {
  it('refuses a corrupted checkpoint and falls back to the previous valid one', async () => {
    await new TrainLoop({ ...baseConfig, totalSteps: 6, saveEvery: 3 }, quadratic, rows, [], new Float32Array(P).fill(1), dir, null).run({
      checkpointFiles: (into, params) => writeFile(join(into, 'adapter.json'), JSON.stringify(Array.from(params))),
    });
    const [newest, older] = await listCheckpoints(dir);
    expect(newest!.step).toBe(6);
    expect(JSON.parse(await readFile(join(newest!.dir, 'adapter.json'), 'utf8'))).toHaveLength(P);
    const file = join(newest!.dir, 'optimizer_state.safetensors');
    const bytes = await readFile(file);
    bytes[bytes.length - 1]! ^= 0xff;
    await writeFile(file, bytes);
    expect(await verifyCheckpoint(newest!.dir)).toMatch(/optimizer_state.safetensors does not match its sha256/);
    const latest = await latestValidCheckpoint(dir);
    expect(latest.dir).toBe(older!.dir);
    expect(latest.skipped).toHaveLength(1);
    await expect(loadCheckpoint(newest!.dir)).rejects.toThrow(/Cannot resume/);
  });

  it('treats a checkpoint without its manifest as unfinished', async () => {
    await new TrainLoop({ ...baseConfig, totalSteps: 3, saveEvery: 3 }, quadratic, rows, [], new Float32Array(P).fill(1), dir, null).run();
    const [only] = await listCheckpoints(dir);
    await rm(join(only!.dir, 'manifest.json'));
    expect(await verifyCheckpoint(only!.dir)).toMatch(/not finished/);
  });
});
