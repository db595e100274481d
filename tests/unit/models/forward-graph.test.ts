/**
 * The ONNX forward graph against the float64 reference, for every architecture, with F32 and BF16
 * weights read as external data from the checkpoint, with a = b = 1 and with random a/b, on a
 * batch with a left-padded row. Agreement: max |graph - reference| / max |reference| <= 1e-4 over
 * the non-padding positions.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { identityAdapterVector } from '../../../src/main/engine/models/adapter-layout';
import { addDecoder, buildForwardGraph, FORWARD_INPUTS, LOGITS_OUTPUT } from '../../../src/main/engine/models/forward-graph';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import type { TinyModelOptions } from '../../../src/main/engine/models/tiny-model';
import { Graph } from '../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../src/main/engine/onnx/serialize';
import { Random } from '../../../src/main/engine/random';
import { type HyperVectors, loadReferenceModel, referenceForward } from './helpers/reference-forward';
import { tinyModel } from './helpers/tiny';

const B = 2;
const T = 7;
const mask = [
  [1, 1, 1, 1, 1, 1, 1],
  [0, 0, 1, 1, 1, 1, 1], // left-padded, as batched generation pads
];
const positions = [
  [0, 1, 2, 3, 4, 5, 6],
  [0, 0, 0, 1, 2, 3, 4],
];

type Case = Omit<TinyModelOptions, 'out' | 'dtype' | 'shards'>;
const cases: [string, Case][] = [
  ['llama, GQA, q/k/v/o and MLP biases, llama3 rope', { arch: 'llama', hidden: 64, heads: 4, kvHeads: 2, attentionBias: true, mlpBias: true, ropeScaling: 'llama3' }],
  ['llama, tied embeddings, one kv head, linear rope', { arch: 'llama', hidden: 32, heads: 4, kvHeads: 1, tie: true, ropeScaling: 'linear' }],
  ['mistral, sliding window 3', { arch: 'mistral', hidden: 32, heads: 2, kvHeads: 2, slidingWindow: 3 }],
  ['qwen2, q/k/v bias, tied, window on layer 1', { arch: 'qwen2', hidden: 64, heads: 4, kvHeads: 2, tie: true, slidingWindow: 4 }],
  ['qwen3, q/k norm, head_dim 24 != 64/4, attention bias', { arch: 'qwen3', hidden: 64, heads: 4, kvHeads: 2, headDim: 24, attentionBias: true }],
];

describe('buildForwardGraph', () => {
  describe.each(cases)('%s', (_name, options) => {
    it.each(['F32', 'BF16'] as const)('matches the float64 reference with %s weights', async (dtype) => {
      const dir = await tinyModel({ ...options, dtype, shards: dtype === 'BF16' ? 2 : 1, vocab: 512, seed: 11, initStd: 0.1 });
      const model = await loadHfModel(dir);
      const { graph, decoder } = buildForwardGraph(model, { batch: B, seqLen: T });

      // Every checkpoint tensor is external data at the weight map's offsets; nothing large is embedded.
      const external = graph.initializers.filter((i) => i.external);
      expect(external.map((i) => i.tensor.name).sort()).toEqual(model.spec.tensors.map((t) => t.name).sort());
      for (const i of external) {
        const entry = model.weights.tensors.get(i.tensor.name)!;
        expect(i.external).toEqual({ location: entry.file, offset: entry.info.byteOffset, length: entry.info.byteLength });
      }
      const onnxPath = join(dir, 'forward.onnx');
      await writeFile(onnxPath, serializeModel(graph));
      const session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'] });

      const random = new Random(5);
      const ids = Array.from({ length: B }, () => Array.from({ length: T }, () => random.int(model.tokenizer.size)));
      const adapted = identityAdapterVector(decoder.layout).map(() => 1 + 0.2 * random.normal());
      const reference = await loadReferenceModel(dir);
      try {
        for (const [label, params] of [['a = b = 1', identityAdapterVector(decoder.layout)], ['random a, b', adapted]] as const) {
          const out = await session.run({
            [FORWARD_INPUTS.inputIds]: int64(ids),
            [FORWARD_INPUTS.attentionMask]: int64(mask),
            [FORWARD_INPUTS.positionIds]: int64(positions),
            [FORWARD_INPUTS.adapterParams]: new ort.Tensor('float32', params, [params.length]),
          });
          const logits = out[LOGITS_OUTPUT]!;
          expect(logits.dims).toEqual([B, T, model.config.vocabSize]);
          const hyper: HyperVectors = new Map(
            decoder.layout.slots.map((s) => [s.path, { a: params.subarray(s.aOffset, s.aOffset + s.out), b: params.subarray(s.bOffset, s.bOffset + s.in) }]),
          );
          const expected = referenceForward(reference, { ids, attentionMask: mask, positionIds: positions, hyper });
          const { worst, scale, where } = compare(logits.data as Float32Array, expected, model.config.vocabSize);
          expect(worst / scale, `${dtype}, ${label}: largest difference ${worst} at ${where} (max |logit| ${scale})`).toBeLessThanOrEqual(1e-4);
        }
      } finally {
        await session.release();
      }
    });
  });
});

describe('addDecoder', () => {
  it('stops at the final norm, so a fused head loss never sees a [B, T, V] tensor', async () => {
    const model = await loadHfModel(await tinyModel({ arch: 'qwen2', hidden: 32, vocab: 512, tie: true }));
    const g = new Graph('decoder');
    const decoder = addDecoder(g, model, { batch: B, seqLen: T });
    expect(decoder.hidden.shape).toEqual([B, T, 32]);
    expect(decoder.lmHead.shape).toEqual([512, 32]);
    expect(g.nodes.flatMap((n) => n.outputs).some((t) => t.shape.at(-1) === 512 && t.shape.length === 3)).toBe(false);
    // Tied: the head is the embedding's initializer (one external tensor, cast once), not a copy.
    expect(g.initializers.filter((i) => i.tensor.name === 'model.embed_tokens.weight')).toHaveLength(1);
    expect(g.initializers.some((i) => i.tensor.name === 'lm_head.weight')).toBe(false);
  });
});

function int64(rows: readonly (readonly number[])[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(rows.flat(), (v) => BigInt(v)), [rows.length, rows[0]!.length]);
}

/** Largest absolute difference over non-padding positions, and the largest reference magnitude. */
function compare(actual: Float32Array, expected: Float64Array[][], V: number): { worst: number; scale: number; where: string } {
  let worst = 0;
  let scale = 0;
  let where = '';
  expected.forEach((row, b) =>
    row.forEach((logits, t) => {
      if (mask[b]![t] !== 1) return;
      logits.forEach((want, v) => {
        const diff = Math.abs(actual[(b * T + t) * V + v]! - want);
        scale = Math.max(scale, Math.abs(want));
        if (diff > worst) [worst, where] = [diff, `[${b}, ${t}, ${v}]`];
      });
    }),
  );
  return { worst, scale, where };
}
