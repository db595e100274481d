/**
 * The generation graph: the model's decoder (models/forward-graph.ts, the same HyperAdapt input as
 * training) with a KV cache. One session runs both the prefill (T = the prompt, or a chunk of it)
 * and each decode step (T = 1), and serves the base model (a = b = 1) and any adapter alike.
 *
 * Dims: T new tokens, P cached tokens, L layers, KV key/value heads, Dh head dim, V vocab, A adapter parameters.
 *
 *   inputs   input_ids                   int64   [1, T]
 *            hyperadapt_params           float32 [A]               (layout: adapter-layout.ts)
 *            past_key_values.{l}.key     float32 [1, KV, P, Dh]    for l < L; P = 0 on the first run
 *            past_key_values.{l}.value   float32 [1, KV, P, Dh]
 *   outputs  logits                      float32 [1, V]            the last new token's only
 *            present.{l}.key             float32 [1, KV, P+T, Dh]  past ++ new, after RoPE (HF caches the same)
 *            present.{l}.value           float32 [1, KV, P+T, Dh]
 *
 * Positions are the cache positions P .. P+T-1, derived in the graph from the past's length, so
 * the caller cannot hand it inconsistent ones: one sequence, no padding, batch 1.
 *
 * Why T and P are symbolic dims rather than static buckets: the cache holds exactly the past
 * tokens, so attention reads P+T keys and nothing else, and one session (one load, one copy of
 * any weight cast to float32) serves every length. Static shapes would need a session per
 * (T, capacity) pair, each holding its own float32 copy of BF16/F16 weights, or a single
 * max-context capacity that every decode step pays for in full. On the CPU the symbolic dims cost
 * nothing measurable: bench/generate.bench.ts times a decode step after 512 tokens in this graph
 * and in the same graph with T and P pinned to numbers (hidden-512, 2 threads): 10.6 against
 * 10.2 ms, and 19.2 against 21.4 ms with the runs interleaved on a busier machine. The session
 * runs with the memory pattern off (generation-session.ts): every step has new shapes.
 */
import { type AdapterLayout, adapterLayout } from '../models/adapter-layout';
import { cachedLayerMask } from '../models/attention';
import { addDecoderStack, FORWARD_INPUTS, LOGITS_OUTPUT } from '../models/forward-graph';
import type { LinearModule, ModelSpec } from '../models/spec';
import type { WeightMap } from '../models/weights';
import { cachedAttention, type KeyValue } from '../onnx/attention';
import type { Dim } from '../onnx/dims';
import { Graph, type Tensor } from '../onnx/graph';
import { matmulWT } from '../onnx/hyper-linear';
import { Add, Concat, Gather, Range, Shape, Unsqueeze } from '../onnx/ops';

export const GENERATION_INPUTS = { inputIds: FORWARD_INPUTS.inputIds, adapterParams: FORWARD_INPUTS.adapterParams } as const;
export const GENERATION_LOGITS = LOGITS_OUTPUT;
export const pastName = (layer: number, which: 'key' | 'value'): string => `past_key_values.${layer}.${which}`;
export const presentName = (layer: number, which: 'key' | 'value'): string => `present.${layer}.${which}`;

export interface GenerationGraphOptions {
  /** Linears that get a and b (default: all seven); must match the adapter the session will run. */
  targets?: readonly LinearModule[];
  /**
   * Pin T and P to numbers (a static-shape graph, one shape only): for the benchmark that compares
   * it with the symbolic graph. Default: symbolic 'T' and 'P'.
   */
  pinned?: { tokens: number; past: number };
}

export interface GenerationGraph {
  readonly graph: Graph;
  readonly layout: AdapterLayout;
}

export function buildGenerationGraph(model: { spec: ModelSpec; weights: WeightMap }, options: GenerationGraphOptions = {}): GenerationGraph {
  const { spec } = model;
  const { numKvHeads: KV, headDim: Dh } = spec.config;
  const T: Dim = options.pinned?.tokens ?? 'T';
  const P: Dim = options.pinned?.past ?? 'P';
  const g = new Graph('generate');
  const layout = adapterLayout(spec, options.targets);
  const inputIds = g.input(GENERATION_INPUTS.inputIds, 'int64', [1, T]);
  const adapterParams = g.input(GENERATION_INPUTS.adapterParams, 'float32', [layout.size]);
  const past: KeyValue[] = spec.layers.map((l) => ({
    key: g.input(pastName(l.index, 'key'), 'float32', [1, KV, P, Dh]),
    value: g.input(pastName(l.index, 'value'), 'float32', [1, KV, P, Dh]),
  }));

  const { queryIdx, keyIdx } = g.scope('model.cache_positions', () => cachePositions(g, inputIds, past[0]!.key));
  const positionIds = Unsqueeze(g, queryIdx, [0]); // [1, T]
  const masks = new Map<number | null, Tensor>(); // one per distinct window: [1, 1, T, P+T]
  const maskFor = (window: number | null): Tensor => {
    if (!masks.has(window)) masks.set(window, g.scope('model.mask', () => cachedLayerMask(g, queryIdx, keyIdx, window)));
    return masks.get(window)!;
  };

  const present: KeyValue[] = [];
  const { hidden, lmHead } = addDecoderStack(g, model, { inputIds, positionIds, adapterParams }, layout, (layer, x, params, rope) => {
    const attended = cachedAttention(g, x, params, rope, maskFor(layer.slidingWindow), past[layer.index]!);
    present[layer.index] = attended.present;
    return attended.output;
  });

  // Only the last token's logits: the prefill needs no others, a decode step has no others.
  const last = Gather(g, hidden, g.constant('int64', [], [-1]), { axis: 1 }); // [1, C]
  g.output(g.scope('lm_head', () => matmulWT(g, last, lmHead)), GENERATION_LOGITS); // [1, V]
  present.forEach((kv, l) => {
    g.output(kv.key, presentName(l, 'key'));
    g.output(kv.value, presentName(l, 'value'));
  });
  return { graph: g, layout };
}

/**
 * Cache positions: the new tokens' queryIdx [T] = P .. P+T-1, and every key's keyIdx [P+T] =
 * 0 .. P+T-1 (cached keys, then the new ones), from the runtime lengths of input_ids and a past key.
 */
function cachePositions(g: Graph, inputIds: Tensor, pastKey: Tensor): { queryIdx: Tensor; keyIdx: Tensor } {
  const dimOf = (t: Tensor, axis: number): Tensor => Gather(g, Shape(g, t), g.constant('int64', [], [axis])); // int64 []
  const P = dimOf(pastKey, 2);
  const total = Add(g, P, dimOf(inputIds, 1)); // P + T
  const one = g.constant('int64', [], [1]);
  const queryIdx = Range(g, P, total, one, { length: inputIds.shape[1]! }); // [T]
  const pastIdx = Range(g, g.constant('int64', [], [0]), P, one, { length: pastKey.shape[2]! }); // [P]
  return { queryIdx, keyIdx: Concat(g, [pastIdx, queryIdx], { axis: 0 }) }; // [T], [P+T]
}
