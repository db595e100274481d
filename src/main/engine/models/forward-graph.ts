/**
 * The forward graph of a loaded model, for every supported architecture (HF modeling_llama.py and
 * its Mistral/Qwen2/Qwen3 variants): token ids -> logits, with HyperAdapt on the target linears.
 * Nothing else lives here: the trainer adds the loss and the backward half to the same graph,
 * either on the logits or, with the engine's fused lm-head loss, on `hidden` and `lmHead` directly
 * (then no [B, T, V] tensor is ever built).
 *
 * Dims: B batch, T time (a static bucket), C hidden, I intermediate, V vocab, P adapter parameters.
 *
 *   inputs   input_ids int64 [B, T], attention_mask int64 [B, T] (1 token, 0 padding),
 *            position_ids int64 [B, T], hyperadapt_params float32 [P] (layout: adapter-layout.ts)
 *   output   logits float32 [B, T, V]
 *
 * Frozen weights are external data pointing into the checkpoint's .safetensors files, so the
 * .onnx must be written into the model folder; F16/BF16 weights are cast to float32 in the graph.
 */
import { type AdapterLayout, adapterLayout } from './adapter-layout';
import { type AttentionParams, causalAttention } from '../onnx/attention';
import { layerMask } from './attention';
import type { LayerSpec, LinearModule, LinearSpec, ModelSpec } from './spec';
import { weightEntry, type WeightMap } from './weights';
import type { FloatDType } from '../onnx/element-types';
import { Graph, type Tensor } from '../onnx/graph';
import { type LinearParams, matmulWT } from '../onnx/hyper-linear';
import { rmsNorm, swiglu } from '../onnx/layers';
import { Add, Gather, Slice } from '../onnx/ops';
import { type RopeTables, ropeTables } from '../onnx/rope';

export const FORWARD_INPUTS = {
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  positionIds: 'position_ids',
  adapterParams: 'hyperadapt_params',
} as const;
export const LOGITS_OUTPUT = 'logits';

export interface ForwardOptions {
  /** B */
  batch: number;
  /** T: one static shape bucket, so onnxruntime can reuse its memory plan. */
  seqLen: number;
  /** Linears that get a and b (default: all seven). */
  targets?: readonly LinearModule[];
}

export interface Decoder {
  readonly inputs: { readonly inputIds: Tensor; readonly attentionMask: Tensor; readonly positionIds: Tensor; readonly adapterParams: Tensor };
  /** [B, T, C] float32: the last hidden state, after model.norm. */
  readonly hidden: Tensor;
  /** [V, C] float32: the output head's weight (the embedding when tied). */
  readonly lmHead: Tensor;
  readonly layout: AdapterLayout;
}

/** safetensors dtype -> graph dtype of the stored bytes. */
const STORED: Readonly<Record<string, FloatDType>> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/** Adds the inputs and the decoder of `spec` to `g`, up to the final norm. */
export function addDecoder(g: Graph, model: { spec: ModelSpec; weights: WeightMap }, { batch: B, seqLen: T, targets }: ForwardOptions): Decoder {
  const layout = adapterLayout(model.spec, targets);
  const inputs = {
    inputIds: g.input(FORWARD_INPUTS.inputIds, 'int64', [B, T]),
    attentionMask: g.input(FORWARD_INPUTS.attentionMask, 'int64', [B, T]),
    positionIds: g.input(FORWARD_INPUTS.positionIds, 'int64', [B, T]),
    adapterParams: g.input(FORWARD_INPUTS.adapterParams, 'float32', [layout.size]),
  };
  const masks = new Map<number | null, Tensor>(); // one per distinct window: [B, 1, T, T]
  const maskFor = (window: number | null): Tensor => {
    if (!masks.has(window)) masks.set(window, g.scope('model.mask', () => layerMask(g, T, inputs.attentionMask, window)));
    return masks.get(window)!;
  };
  const attend: AttendFn = (layer, x, params, rope) => causalAttention(g, x, params, rope, maskFor(layer.slidingWindow));
  return { inputs, layout, ...addDecoderStack(g, model, inputs, layout, attend) };
}

/**
 * How one layer's self-attention is built from its normed input x [B, T, C]: the forward's masked
 * causal attention, or generation's attention over a KV cache. Returns [B, T, C].
 */
export type AttendFn = (layer: LayerSpec, x: Tensor, params: AttentionParams, rope: RopeTables) => Tensor;

/**
 * The decoder proper, shared by the forward and the generation graph: embedding, the layers
 * (pre-norm attention and SwiGLU MLP, HyperAdapt on the layout's linears) and the final norm.
 * inputIds, positionIds int64 [B, T]; adapterParams float32 [P].
 */
export function addDecoderStack(
  g: Graph,
  { spec, weights }: { spec: ModelSpec; weights: WeightMap },
  inputs: { readonly inputIds: Tensor; readonly positionIds: Tensor; readonly adapterParams: Tensor },
  layout: AdapterLayout,
  attend: AttendFn,
): Pick<Decoder, 'hidden' | 'lmHead'> {
  const c = spec.config;
  const loaded = new Map<string, Tensor>(); // each checkpoint tensor becomes one initializer, however often it is read
  const frozen = (name: string): Tensor => {
    if (!loaded.has(name)) loaded.set(name, frozenWeight(g, weights, name));
    return loaded.get(name)!;
  };
  const slots = new Map(layout.slots.map((s) => [s.path, s]));
  // A frozen linear, or its HyperAdapt form with a and b sliced out of the one parameter vector.
  const linearOf = (l: LinearSpec): LinearParams => {
    const slot = slots.get(l.path);
    const params: LinearParams = { weight: frozen(l.weight), ...(l.bias ? { bias: frozen(l.bias) } : {}) };
    if (!slot) return params;
    const adapter = g.atPath(l.path, () => ({
      a: Slice(g, inputs.adapterParams, [slot.aOffset], [slot.aOffset + slot.out], [0]), // [out]
      b: Slice(g, inputs.adapterParams, [slot.bOffset], [slot.bOffset + slot.in], [0]), // [in]
    }));
    return { ...params, adapter };
  };

  const embed = frozen(spec.embedTokens);
  let h = g.scope('model.embed_tokens', () => Gather(g, embed, inputs.inputIds)); // [B, T, C]
  const rope = g.scope('model.rotary_emb', () => ropeTables(g, inputs.positionIds, Array.from(spec.invFreq), 'float32')); // [B, T, Dh] each

  for (const layer of spec.layers) {
    const { linears: L } = layer;
    h = g.scope(`model.layers.${layer.index}`, () => {
      const normed = g.scope('input_layernorm', () => rmsNorm(g, h, frozen(layer.inputNorm), c.rmsNormEps)); // [B, T, C]
      const attention: AttentionParams = {
        q: linearOf(L.q_proj),
        k: linearOf(L.k_proj),
        v: linearOf(L.v_proj),
        o: linearOf(L.o_proj),
        numHeads: c.numHeads,
        numKvHeads: c.numKvHeads,
        headDim: c.headDim,
        scale: spec.attentionScale,
        ...(layer.qNorm && layer.kNorm ? { qkNorm: { q: frozen(layer.qNorm), k: frozen(layer.kNorm), eps: c.rmsNormEps } } : {}),
      };
      const attended = Add(g, h, g.scope('self_attn', () => attend(layer, normed, attention, rope))); // [B, T, C]
      const normed2 = g.scope('post_attention_layernorm', () => rmsNorm(g, attended, frozen(layer.postAttentionNorm), c.rmsNormEps));
      const mlp = { gate: linearOf(L.gate_proj), up: linearOf(L.up_proj), down: linearOf(L.down_proj) };
      return Add(g, attended, g.scope('mlp', () => swiglu(g, normed2, mlp))); // [B, T, C]
    });
  }

  const hidden = g.scope('model.norm', () => rmsNorm(g, h, frozen(spec.finalNorm), c.rmsNormEps)); // [B, T, C]
  // Tied models name the embedding as the head: the same initializer.
  return { hidden, lmHead: frozen(spec.lmHead) };
}

/** logits = hidden W^T with W [V, C] read in place (transB).  -> [B, T, V] */
export function addLogits(g: Graph, decoder: Decoder): Tensor {
  return g.scope('lm_head', () => matmulWT(g, decoder.hidden, decoder.lmHead));
}

/** A graph holding just the forward, with `logits` as its output. */
export function buildForwardGraph(model: { spec: ModelSpec; weights: WeightMap }, options: ForwardOptions): { graph: Graph; decoder: Decoder } {
  const graph = new Graph('forward');
  const decoder = addDecoder(graph, model, options);
  graph.output(addLogits(graph, decoder), LOGITS_OUTPUT);
  return { graph, decoder };
}

/** A checkpoint tensor as external data in its .safetensors file, as float32 (cast in-graph when stored narrower). */
function frozenWeight(g: Graph, weights: WeightMap, name: string): Tensor {
  const { file, info } = weightEntry(weights, name);
  const stored = STORED[info.dtype];
  if (!stored) throw new RangeError(`${file}: tensor "${name}" is ${info.dtype}; the forward reads F32, F16 or BF16`);
  return g.initializer(name, { shape: info.shape, stored, dtype: 'float32', external: { location: file, offset: info.byteOffset, length: info.byteLength } });
}
