/**
 * The full training graph (forward, chunked lm_head loss, backward to the flat vector) on a tiny
 * model of each architecture, run through OnnxTrainingBackend. The forward supports float32 only,
 * so the graph's loss and gradient are checked against the float64 reference forward
 * (tests/unit/models/helpers) and central differences of ITS loss: the loss to 1e-5 relative, the
 * gradient along random directions and on single coordinates to 1e-5 of the gradient's
 * largest entry (float32 rounding; the worst seen was 8e-7), against float64 differences good to ~1e-9.
 */
import { describe, expect, it } from 'vitest';
import { adapterLayout, type AdapterLayout } from '../../../src/main/engine/models/adapter-layout';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import type { TinyModelOptions } from '../../../src/main/engine/models/tiny-model';
import { Random } from '../../../src/main/engine/random';
import { IGNORE_INDEX, type TrainingExample } from '../../../src/main/engine/train/examples';
import { buildMicroBatch, type MicroBatch } from '../../../src/main/engine/train/micro-batch';
import { OnnxTrainingBackend } from '../../../src/main/engine/train/onnx-backend';
import { buildTrainingGraph, serializeTrainingGraph, TRAINING_OUTPUTS } from '../../../src/main/engine/train/training-graph';
import { type HyperVectors, loadReferenceModel, referenceForward, type ReferenceModel } from '../models/helpers/reference-forward';
import { tinyModel } from '../models/helpers/tiny';

const B = 2;
const T = 8;

type Case = Omit<TinyModelOptions, 'out' | 'shards'>;
const cases: [string, Case][] = [
  ['llama, GQA, BF16 weights', { arch: 'llama', hidden: 32, heads: 4, kvHeads: 2, dtype: 'BF16' }],
  ['mistral, sliding window 3', { arch: 'mistral', hidden: 32, heads: 2, kvHeads: 2, slidingWindow: 3 }],
  ['qwen2, q/k/v bias, tied embeddings', { arch: 'qwen2', hidden: 32, heads: 4, kvHeads: 2, tie: true }],
  ['qwen3, q/k norm, head_dim 12', { arch: 'qwen3', hidden: 32, heads: 4, kvHeads: 2, headDim: 12 }],
];

/** Two rows, the second shorter (right padding) with its prompt unsupervised. */
function batchFor(random: Random, vocab: number): MicroBatch {
  const row = (length: number, promptLength: number): TrainingExample => {
    const ids = Int32Array.from({ length }, () => random.int(vocab));
    return { inputIds: ids, labels: ids.map((id, t) => (t < promptLength ? IGNORE_INDEX : id)) };
  };
  return buildMicroBatch([row(T, 1), row(T - 3, 3)], T, 0);
}

/** Σ over supervised targets of logsumexp(logits) - logits[target], in float64 by the reference forward. */
function referenceLossSum(reference: ReferenceModel, layout: AdapterLayout, batch: MicroBatch, params: ArrayLike<number>): number {
  const rows = (a: BigInt64Array): number[][] => Array.from({ length: batch.batchSize }, (_, b) => Array.from(a.subarray(b * T, (b + 1) * T), Number));
  const hyper: HyperVectors = new Map(
    layout.slots.map((s) => [s.path, { a: Array.from({ length: s.out }, (_, i) => params[s.aOffset + i]!), b: Array.from({ length: s.in }, (_, i) => params[s.bOffset + i]!) }]),
  );
  const logits = referenceForward(reference, { ids: rows(batch.inputIds), attentionMask: rows(batch.attentionMask), positionIds: rows(batch.positionIds), hyper });
  let sum = 0;
  rows(batch.targets).forEach((targets, b) =>
    targets.forEach((target, t) => {
      if (target === IGNORE_INDEX) return;
      const z = logits[b]![t]!;
      const max = z.reduce((m, v) => Math.max(m, v), -Infinity);
      sum += max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0)) - z[target]!;
    }),
  );
  return sum;
}

describe('training graph', () => {
  describe.each(cases)('%s', (_name, options) => {
    it('loss and gradient match the float64 reference forward and its central differences', async () => {
      const dir = await tinyModel({ ...options, seed: 3, initStd: 0.2 });
      const model = await loadHfModel(dir);
      const layout = adapterLayout(model.spec);
      const random = new Random(9);
      const batch = batchFor(random, model.tokenizer.size);
      const params = Float32Array.from({ length: layout.size }, () => 1 + 0.2 * random.normal());
      const backend = await OnnxTrainingBackend.create(model, layout, { buckets: [T], batchSize: B, device: 'cpu', threads: 1 });
      try {
        const { lossSum, grad } = await backend.trainMicroBatch(batch, params);
        const evaluated = await backend.evalMicroBatch(batch, params);
        const reference = await loadReferenceModel(dir);
        const lossAt = (p: ArrayLike<number>): number => referenceLossSum(reference, layout, batch, p);

        const expected = lossAt(params);
        expect(Math.abs(lossSum - expected) / expected).toBeLessThan(1e-5);
        expect(evaluated.lossSum).toBe(lossSum);

        const scale = grad.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
        expect(scale).toBeGreaterThan(1e-3); // the check below must have something to see
        const eps = 1e-4;
        const along = (v: Float64Array): number => {
          const at = (sign: number) => lossAt(Float64Array.from(params, (p, i) => p + sign * eps * v[i]!));
          return (at(1) - at(-1)) / (2 * eps);
        };
        // Three random unit directions (every entry counts), then the largest and some random coordinates.
        for (let d = 0; d < 3; d++) {
          const v = Float64Array.from(params, () => random.normal());
          const norm = Math.hypot(...v);
          v.forEach((x, i) => (v[i] = x / norm));
          const analytic = grad.reduce((s, g, i) => s + g * v[i]!, 0);
          expect(Math.abs(analytic - along(v)), `direction ${d}: analytic ${analytic}`).toBeLessThan(1e-5 * scale);
        }
        const largest = [...grad.keys()].sort((a, b) => Math.abs(grad[b]!) - Math.abs(grad[a]!)).slice(0, 4);
        for (const i of [...largest, ...Array.from({ length: 4 }, () => random.int(layout.size))]) {
          const v = new Float64Array(layout.size);
          v[i] = 1;
          expect(Math.abs(grad[i]! - along(v)), `coordinate ${i}: analytic ${grad[i]}`).toBeLessThan(1e-5 * scale);
        }
      } finally {
        await backend.release();
      }
    });
  });

  it('keeps lm_head logits to one chunk, returns ONE flat gradient, and uses standard ops only', async () => {
    const model = await loadHfModel(await tinyModel({ arch: 'qwen2', hidden: 32, heads: 4, kvHeads: 2, tie: true }));
    const V = model.config.vocabSize;
    const built = buildTrainingGraph(model, { batch: 4, seqLen: 16, logitsChunkBytes: 16 * V * 4 });
    expect(built.chunk).toBe(16);
    const { graph } = built;
    expect(graph.outputs.map((o) => [o.name, o.dtype, o.shape])).toEqual([
      [TRAINING_OUTPUTS.lossSum, 'float32', []],
      [TRAINING_OUTPUTS.supervisedTokens, 'float32', []],
      [TRAINING_OUTPUTS.grad, 'float32', [built.layout.size]],
    ]);
    const vocabWide = graph.nodes.flatMap((n) => n.outputs).filter((t) => t.shape.at(-1) === V && t.shape.length >= 2);
    expect(vocabWide.length).toBeGreaterThan(0);
    expect(vocabWide.filter((t) => t.shape.length !== 2 || t.shape[0] !== built.chunk)).toEqual([]);
    expect(graph.nodes.filter((n) => /Grad$/.test(n.op) || (n.domain !== '' && n.op !== 'FusedMatMul'))).toEqual([]);
    expect(graph.initializers.filter((i) => i.external).length).toBe(model.spec.tensors.length);
  });

  it('names graph files by batch, bucket and a hash of the bytes: equal options, equal names', async () => {
    const model = await loadHfModel(await tinyModel({ arch: 'llama', hidden: 32, heads: 4, kvHeads: 2 }));
    const name = (batch: number, seqLen: number, targets?: ('q_proj' | 'v_proj')[], gradient = true) =>
      serializeTrainingGraph(buildTrainingGraph(model, { batch, seqLen, gradient, ...(targets && { targets }) }), { batch, seqLen }).fileName;
    expect(name(2, 8)).toMatch(/^\.hyperadapt-train-b2-t8-[0-9a-f]{16}\.onnx$/);
    expect(name(2, 8)).toBe(name(2, 8));
    expect(name(2, 8, undefined, false)).toMatch(/^\.hyperadapt-eval-b2-t8-/);
    const names = [name(2, 8), name(2, 16), name(4, 8), name(2, 8, ['q_proj', 'v_proj'])];
    expect(new Set(names).size).toBe(4);
  });
});
