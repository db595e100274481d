import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { adapterLayout, identityAdapterVector } from '../../../src/main/engine/models/adapter-layout';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import { Random } from '../../../src/main/engine/random';
import { IGNORE_INDEX, type TrainingExample } from '../../../src/main/engine/train/examples';
import { buildMicroBatch } from '../../../src/main/engine/train/micro-batch';
import { OnnxTrainingBackend, padRows } from '../../../src/main/engine/train/onnx-backend';
import { DEFAULT_ADAMW } from '../../../src/main/engine/train/optimizer';
import { TrainLoop, type StepMetrics, type TrainLoopConfig } from '../../../src/main/engine/train/trainer';
import { tinyModel } from '../models/helpers/tiny';

/** Rows of a few fixed phrases (token ids), so there is something to learn; the first two tokens are prompt. */
function corpus(vocab: number, rows: number, seed: number): TrainingExample[] {
  const random = new Random(seed);
  const phrases = Array.from({ length: 4 }, () => Array.from({ length: 12 }, () => random.int(vocab)));
  return Array.from({ length: rows }, (_, r) => {
    const ids = Int32Array.from(phrases[r % phrases.length]!.slice(0, 6 + (r % 7)));
    return { inputIds: ids, labels: ids.map((id, t) => (t < 2 ? IGNORE_INDEX : id)) };
  });
}

const config: TrainLoopConfig = {
  lr: 0.1,
  schedule: 'constant',
  warmupSteps: 0,
  totalSteps: 12,
  batchSize: 2,
  gradAccum: 1,
  maxLength: 16,
  buckets: [8, 16],
  clip: 1,
  adamw: DEFAULT_ADAMW,
  seed: 1,
  shuffle: true,
  evalEvery: 0,
  saveEvery: 0,
  keepCheckpoints: 1,
  earlyStopping: null,
  padTokenId: 0,
};

describe('OnnxTrainingBackend', () => {
  it('drives the loss of a tiny model down within a few TrainLoop steps, over two length buckets', async () => {
    const dir = await tinyModel({ arch: 'qwen2', hidden: 32, heads: 4, kvHeads: 2, seed: 1, initStd: 0.2 });
    const model = await loadHfModel(dir);
    const layout = adapterLayout(model.spec);
    const backend = await OnnxTrainingBackend.create(model, layout, { buckets: config.buckets, batchSize: config.batchSize, device: 'cpu', threads: 1 });
    try {
      const rows = corpus(model.tokenizer.size, 8, 2);
      const loop = new TrainLoop(config, backend, rows, rows.slice(0, 3), identityAdapterVector(layout), null);
      const before = await loop.evaluate();
      const steps: StepMetrics[] = [];
      const result = await loop.run({ onStep: (m) => steps.push(m) });
      const after = await loop.evaluate(); // the trained parameters
      expect(result.step).toBe(config.totalSteps);

      expect(steps).toHaveLength(config.totalSteps);
      expect(steps.every((s) => Number.isFinite(s.loss) && Number.isFinite(s.gradNorm) && s.gradNorm > 0)).toBe(true);
      const mean = (xs: StepMetrics[]) => xs.reduce((s, m) => s + m.loss, 0) / xs.length;
      expect(mean(steps.slice(-3))).toBeLessThan(0.8 * mean(steps.slice(0, 3)));
      expect(after.loss).toBeLessThan(0.8 * before.loss);
      expect(after.tokens).toBe(before.tokens);
      // One graph file per (train or eval, bucket) used, in the model folder, under its hash name.
      const graphs = (await readdir(dir)).filter((f) => f.startsWith('.hyperadapt-'));
      expect(graphs.sort()).toEqual(graphs.filter((f) => /^\.hyperadapt-(train|eval)-b2-t(8|16)-[0-9a-f]{16}\.onnx$/.test(f)).sort());
      expect(graphs.filter((f) => f.startsWith('.hyperadapt-train')).length).toBe(2);
      expect(backend.openSessions).toEqual(expect.arrayContaining(['train:8', 'train:16']));
    } finally {
      await backend.release();
    }
  });

  it('evaluates a partial batch as its rows alone (padding rows add nothing), and keeps sessions within the memory budget', async () => {
    const model = await loadHfModel(await tinyModel({ arch: 'llama', hidden: 32, heads: 4, kvHeads: 2, seed: 2 }));
    const layout = adapterLayout(model.spec);
    // A budget too small for any session: each new one replaces the last.
    const backend = await OnnxTrainingBackend.create(model, layout, { buckets: [8], batchSize: 3, device: 'cpu', threads: 1, memoryBudget: 1 });
    try {
      const [a, b] = corpus(model.tokenizer.size, 2, 5);
      const params = identityAdapterVector(layout);
      const one = buildMicroBatch([a!], 8, 0);
      const padded = padRows(one, 3);
      expect(Array.from(padded.targets.subarray(8), Number).every((t) => t === IGNORE_INDEX)).toBe(true);
      expect(Array.from(padded.attentionMask.subarray(8), Number).every((m) => m === 0)).toBe(true);
      const alone = (await backend.evalMicroBatch(one, params)).lossSum;
      const withOther = (await backend.evalMicroBatch(buildMicroBatch([a!, b!], 8, 0), params)).lossSum;
      const other = (await backend.evalMicroBatch(buildMicroBatch([b!], 8, 0), params)).lossSum;
      expect(Math.abs(withOther - (alone + other)) / withOther).toBeLessThan(1e-5);
      expect(backend.openSessions).toEqual(['eval:8']);
      await backend.trainMicroBatch(one, params);
      expect(backend.openSessions).toEqual(['train:8']);
      await expect(backend.evalMicroBatch(buildMicroBatch([a!, a!, b!, b!], 8, 0), params)).rejects.toThrow(/4 rows, the graphs take 3/);
    } finally {
      await backend.release();
    }
  });
});
