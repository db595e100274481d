/**
 * The generation graph's KV cache against the training forward (models/forward-graph.ts), for
 * every architecture: greedy tokens with the cache equal the tokens of recomputing the whole
 * sequence at every step, and the first decode step's logits equal the forward's logits at the
 * same position to 1e-5 relative, with a = b = 1 and with random adapter vectors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterLayout, identityAdapterVector } from '../../../src/main/engine/models/adapter-layout';
import { buildForwardGraph, FORWARD_INPUTS, LOGITS_OUTPUT } from '../../../src/main/engine/models/forward-graph';
import { type HfModel, loadHfModel } from '../../../src/main/engine/models/hf-model';
import type { TinyModelOptions } from '../../../src/main/engine/models/tiny-model';
import { graphFileName, writeGraphFile } from '../../../src/main/engine/onnx/graph-file';
import { serializeModel } from '../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../src/main/engine/onnx/session';
import { GenerationSession } from '../../../src/main/engine/generate/generation-session';
import { Generation } from '../../../src/main/engine/generate/generation';
import { GREEDY, argmax } from '../../../src/main/engine/generate/sampling';
import { Random } from '../../../src/main/engine/random';
import { tinyModel } from '../models/helpers/tiny';

const PROMPT = [7, 300, 41, 12, 99];
const NEW_TOKENS = 10;
const LENGTH = PROMPT.length + NEW_TOKENS; // the recompute graph's static T

type Case = Omit<TinyModelOptions, 'out'>;
const cases: [string, Case][] = [
  ['llama, GQA, q/k/v/o and MLP biases, llama3 rope', { arch: 'llama', hidden: 64, heads: 4, kvHeads: 2, attentionBias: true, mlpBias: true, ropeScaling: 'llama3' }],
  ['llama, one kv head, BF16 weights, linear rope', { arch: 'llama', hidden: 32, heads: 4, kvHeads: 1, dtype: 'BF16', ropeScaling: 'linear' }],
  ['mistral, sliding window 3 (decode steps pass it)', { arch: 'mistral', hidden: 32, heads: 2, kvHeads: 2, slidingWindow: 3 }],
  ['qwen2, q/k/v bias, tied, window 4 on layer 1', { arch: 'qwen2', hidden: 64, heads: 4, kvHeads: 2, tie: true, slidingWindow: 4 }],
  ['qwen3, q/k norm, head_dim 24 != 64/4, attention bias', { arch: 'qwen3', hidden: 64, heads: 4, kvHeads: 2, headDim: 24, attentionBias: true }],
];

describe.each(cases)('generation with a KV cache: %s', (_name, options) => {
  let model: HfModel;
  let cached: GenerationSession;
  let recompute: EngineSession;
  const vectors: [string, Float32Array][] = [];

  beforeAll(async () => {
    model = await loadHfModel(await tinyModel({ ...options, vocab: 512, seed: 13, initStd: 0.1 }));
    // Prefill chunks of 2 tokens: the prompt crosses chunk boundaries as a long one would.
    cached = await GenerationSession.open(model, adapterLayout(model.spec), { device: 'cpu', prefillChunk: 2 });
    const { graph } = buildForwardGraph(model, { batch: 1, seqLen: LENGTH });
    const bytes = serializeModel(graph);
    recompute = await EngineSession.create(await writeGraphFile(model.dir, graphFileName('test-forward', bytes), bytes), { device: 'cpu' });
    const identity = identityAdapterVector(cached.layout);
    const random = new Random(3);
    vectors.push(['a = b = 1', identity], ['random a, b', identity.map(() => 1 + 0.3 * random.normal())]);
  });
  afterAll(async () => {
    await cached?.release();
    await recompute?.release();
  });

  /** The forward's logits [T, V] for `ids`, right-padded to the graph's T (causal: the padding changes nothing before it). */
  async function forwardLogits(ids: readonly number[], params: Float32Array): Promise<Float32Array> {
    const row = (f: (i: number) => number): BigInt64Array => BigInt64Array.from({ length: LENGTH }, (_, i) => BigInt(f(i)));
    const out = await recompute.run({
      [FORWARD_INPUTS.inputIds]: { type: 'int64', data: row((i) => ids[i] ?? 0), dims: [1, LENGTH] },
      [FORWARD_INPUTS.attentionMask]: { type: 'int64', data: row((i) => (i < ids.length ? 1 : 0)), dims: [1, LENGTH] },
      [FORWARD_INPUTS.positionIds]: { type: 'int64', data: row((i) => i), dims: [1, LENGTH] },
      [FORWARD_INPUTS.adapterParams]: { type: 'float32', data: params, dims: [params.length] },
    });
    return out[LOGITS_OUTPUT]!.data as Float32Array;
  }

  it('greedy tokens equal recomputing the full forward at every step', async () => {
    const V = model.config.vocabSize;
    for (const [label, params] of vectors) {
      const generation = await Generation.start(cached, PROMPT, params, { maxNewTokens: NEW_TOKENS, sampling: GREEDY, eosTokenIds: [], detokenize: () => '' });
      while (!generation.done) await generation.step();

      const expected: number[] = [];
      const ids = [...PROMPT];
      while (expected.length < NEW_TOKENS) {
        const logits = await forwardLogits(ids, params);
        const next = argmax(logits.subarray((ids.length - 1) * V, ids.length * V));
        expected.push(next);
        ids.push(next);
      }
      expect(generation.result.tokens, label).toEqual(expected);
      expect(generation.result.reason).toBe('length');
      expect(new Set(expected).size, `${label}: a constant output would prove little`).toBeGreaterThan(1);
    }
  });

  it('the first decode step has the forward logits at its position (1e-5 relative)', async () => {
    const V = model.config.vocabSize;
    const next = 211;
    for (const [label, params] of vectors) {
      const prefill = await cached.extend(cached.emptyCache(), PROMPT, params);
      const decode = await cached.extend(prefill.cache, [next], params);
      expect(decode.cache.length).toBe(PROMPT.length + 1);
      const reference = (await forwardLogits([...PROMPT, next], params)).subarray(PROMPT.length * V, (PROMPT.length + 1) * V);
      let worst = 0;
      let scale = 0;
      reference.forEach((want, v) => {
        worst = Math.max(worst, Math.abs(decode.logits[v]! - want));
        scale = Math.max(scale, Math.abs(want));
      });
      expect(decode.logits.length).toBe(V);
      expect(worst / scale, `${label}: largest difference ${worst} (max |logit| ${scale})`).toBeLessThanOrEqual(1e-5);
    }
  });
});
