/**
 * ModelSpec: the normalised description the graph builder and the trainer consume. It names every
 * tensor the forward reads (Hugging Face checkpoint names, kept verbatim), gives each linear layer
 * its module path and [out, in] shape, and carries the RoPE frequencies.
 *
 * Glossary: V vocab, C hidden, I intermediate, L layers, H query heads, KV key/value heads, Dh head dim.
 *
 *   model.embed_tokens.weight                         [V, C]
 *   model.layers.{l}.input_layernorm.weight           [C]
 *   model.layers.{l}.self_attn.q_proj.weight          [H*Dh, C]   (+ .bias [H*Dh] when biased)
 *   model.layers.{l}.self_attn.k_proj.weight          [KV*Dh, C]
 *   model.layers.{l}.self_attn.v_proj.weight          [KV*Dh, C]
 *   model.layers.{l}.self_attn.o_proj.weight          [C, H*Dh]
 *   model.layers.{l}.self_attn.q_norm.weight          [Dh]        (qwen3)
 *   model.layers.{l}.self_attn.k_norm.weight          [Dh]        (qwen3)
 *   model.layers.{l}.post_attention_layernorm.weight  [C]
 *   model.layers.{l}.mlp.gate_proj.weight             [I, C]
 *   model.layers.{l}.mlp.up_proj.weight               [I, C]
 *   model.layers.{l}.mlp.down_proj.weight             [C, I]
 *   model.norm.weight                                 [C]
 *   lm_head.weight                                    [V, C]      (absent when tie_word_embeddings)
 */
import type { ProjectionBiases } from './architectures';
import type { ModelConfig } from './config';
import { computeInvFreq } from './rope';

/** The linear layers of a decoder block, in the order the forward uses them. */
export const LINEAR_MODULES = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type LinearModule = (typeof LINEAR_MODULES)[number];

interface LinearRole {
  readonly parent: 'self_attn' | 'mlp';
  /** [out, in] */
  shape(c: ModelConfig): [number, number];
  biased(b: ProjectionBiases): boolean;
}

const LINEAR_ROLES: Readonly<Record<LinearModule, LinearRole>> = {
  q_proj: { parent: 'self_attn', shape: (c) => [c.numHeads * c.headDim, c.hiddenSize], biased: (b) => b.q },
  k_proj: { parent: 'self_attn', shape: (c) => [c.numKvHeads * c.headDim, c.hiddenSize], biased: (b) => b.k },
  v_proj: { parent: 'self_attn', shape: (c) => [c.numKvHeads * c.headDim, c.hiddenSize], biased: (b) => b.v },
  o_proj: { parent: 'self_attn', shape: (c) => [c.hiddenSize, c.numHeads * c.headDim], biased: (b) => b.o },
  gate_proj: { parent: 'mlp', shape: (c) => [c.intermediateSize, c.hiddenSize], biased: (b) => b.mlp },
  up_proj: { parent: 'mlp', shape: (c) => [c.intermediateSize, c.hiddenSize], biased: (b) => b.mlp },
  down_proj: { parent: 'mlp', shape: (c) => [c.hiddenSize, c.intermediateSize], biased: (b) => b.mlp },
};

export interface LinearSpec {
  /** HF module path, e.g. "model.layers.0.self_attn.q_proj". */
  readonly path: string;
  readonly module: LinearModule;
  readonly layer: number;
  readonly weight: string;
  readonly bias: string | null;
  readonly out: number;
  readonly in: number;
}

export interface LayerSpec {
  readonly index: number;
  readonly inputNorm: string;
  readonly postAttentionNorm: string;
  /** Qwen3's per-head RMSNorm weights [Dh], or null. */
  readonly qNorm: string | null;
  readonly kNorm: string | null;
  /** Keys more than this many positions back are masked; null: full causal attention. */
  readonly slidingWindow: number | null;
  readonly linears: Readonly<Record<LinearModule, LinearSpec>>;
}

export interface ExpectedTensor {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface ModelSpec {
  readonly config: ModelConfig;
  readonly embedTokens: string;
  readonly finalNorm: string;
  /** The output head's weight: embedTokens itself when the embeddings are tied. */
  readonly lmHead: string;
  readonly layers: readonly LayerSpec[];
  /** Every tensor the forward reads, once each, with its shape. */
  readonly tensors: readonly ExpectedTensor[];
  /** [Dh/2] float32, as transformers' rotary_emb.inv_freq buffer. */
  readonly invFreq: Float32Array;
  /** Dh^-0.5, the softmax scale of every architecture here. */
  readonly attentionScale: number;
}

export function buildModelSpec(config: ModelConfig): ModelSpec {
  const { hiddenSize: C, vocabSize: V, headDim: Dh } = config;
  const tensors: ExpectedTensor[] = [];
  const expect = (name: string, shape: number[]): string => {
    tensors.push({ name, shape });
    return name;
  };

  const embedTokens = expect('model.embed_tokens.weight', [V, C]);
  const layers: LayerSpec[] = [];
  for (let l = 0; l < config.numLayers; l++) {
    const prefix = `model.layers.${l}`;
    const inputNorm = expect(`${prefix}.input_layernorm.weight`, [C]);
    const qNorm = config.qkNorm ? expect(`${prefix}.self_attn.q_norm.weight`, [Dh]) : null;
    const kNorm = config.qkNorm ? expect(`${prefix}.self_attn.k_norm.weight`, [Dh]) : null;
    const postAttentionNorm = expect(`${prefix}.post_attention_layernorm.weight`, [C]);
    const linears = {} as Record<LinearModule, LinearSpec>;
    for (const module of LINEAR_MODULES) {
      const role = LINEAR_ROLES[module];
      const [out, inp] = role.shape(config);
      const path = `${prefix}.${role.parent}.${module}`;
      const weight = expect(`${path}.weight`, [out, inp]);
      const bias = role.biased(config.biases) ? expect(`${path}.bias`, [out]) : null;
      linears[module] = { path, module, layer: l, weight, bias, out, in: inp };
    }
    layers.push({ index: l, inputNorm, postAttentionNorm, qNorm, kNorm, slidingWindow: config.slidingWindows[l]!, linears });
  }
  const finalNorm = expect('model.norm.weight', [C]);
  const lmHead = config.tieWordEmbeddings ? embedTokens : expect('lm_head.weight', [V, C]);

  return { config, embedTokens, finalNorm, lmHead, layers, tensors, invFreq: computeInvFreq(config.rope, Dh), attentionScale: Dh ** -0.5 };
}

/** The linears of the given modules, layer by layer, in LINEAR_MODULES order within a layer. */
export function linearsOf(spec: ModelSpec, modules: readonly LinearModule[] = LINEAR_MODULES): LinearSpec[] {
  const chosen = LINEAR_MODULES.filter((m) => modules.includes(m));
  return spec.layers.flatMap((layer) => chosen.map((m) => layer.linears[m]));
}
