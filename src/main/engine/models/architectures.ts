/**
 * The supported architectures, registered by their config.json name, and what differs between
 * them. Everything else (RMSNorm, rotate-half RoPE, GQA, SwiGLU, tied or untied head) is shared
 * and follows transformers' modeling_llama.py.
 *
 *   llama    (modeling_llama.py)    q/k/v/o bias = attention_bias, gate/up/down bias = mlp_bias
 *   mistral  (modeling_mistral.py)  no biases; every layer attends within sliding_window when it is set
 *   qwen2    (modeling_qwen2.py)    q/k/v bias always, o without; sliding window only with use_sliding_window
 *   qwen3    (modeling_qwen3.py)    q/k/v/o bias = attention_bias; per-head RMSNorm of q and k before RoPE;
 *                                  head_dim defaults to 128, not hidden / heads
 */
import type { JsonFields } from './json-file';

export const SUPPORTED_ARCHITECTURES = ['LlamaForCausalLM', 'MistralForCausalLM', 'Qwen2ForCausalLM', 'Qwen3ForCausalLM'] as const;
export type Architecture = (typeof SUPPORTED_ARCHITECTURES)[number];

export function isSupportedArchitecture(name: string): name is Architecture {
  return (SUPPORTED_ARCHITECTURES as readonly string[]).includes(name);
}

/** Which projections carry a bias vector. */
export interface ProjectionBiases {
  readonly q: boolean;
  readonly k: boolean;
  readonly v: boolean;
  readonly o: boolean;
  /** gate_proj, up_proj and down_proj together. */
  readonly mlp: boolean;
}

export interface ArchitectureTraits {
  /** config.json's model_type for this architecture. */
  readonly modelType: string;
  /** transformers' default max_position_embeddings (informational: nothing here depends on it). */
  readonly maxPositionEmbeddings: number;
  /** The head_dim transformers uses when config.json has none; null: hidden_size / num_attention_heads. */
  readonly defaultHeadDim: number | null;
  readonly qkNorm: boolean;
  biases(config: JsonFields): ProjectionBiases;
  /** Per layer: the sliding attention window in tokens, or null for full causal attention. */
  slidingWindows(config: JsonFields, numLayers: number): (number | null)[];
}

const llamaBiases = (config: JsonFields): ProjectionBiases => {
  const attention = config.bool('attention_bias', false);
  return { q: attention, k: attention, v: attention, o: attention, mlp: config.bool('mlp_bias', false) };
};

export const ARCHITECTURES: Readonly<Record<Architecture, ArchitectureTraits>> = {
  LlamaForCausalLM: {
    modelType: 'llama',
    maxPositionEmbeddings: 2048,
    defaultHeadDim: null,
    qkNorm: false,
    biases: llamaBiases,
    slidingWindows: (_config, n) => new Array<null>(n).fill(null),
  },
  MistralForCausalLM: {
    modelType: 'mistral',
    maxPositionEmbeddings: 4096 * 32,
    defaultHeadDim: null,
    qkNorm: false,
    biases: () => ({ q: false, k: false, v: false, o: false, mlp: false }),
    slidingWindows: (config, n) => new Array<number | null>(n).fill(mistralWindow(config)),
  },
  Qwen2ForCausalLM: {
    modelType: 'qwen2',
    maxPositionEmbeddings: 32768,
    defaultHeadDim: null,
    qkNorm: false,
    biases: () => ({ q: true, k: true, v: true, o: false, mlp: false }),
    slidingWindows: qwenWindows,
  },
  Qwen3ForCausalLM: {
    modelType: 'qwen3',
    maxPositionEmbeddings: 32768,
    defaultHeadDim: 128,
    qkNorm: true,
    biases: (config) => {
      const attention = config.bool('attention_bias', false);
      return { q: attention, k: attention, v: attention, o: attention, mlp: false };
    },
    slidingWindows: qwenWindows,
  },
};

/** MistralConfig: sliding_window defaults to 4096 when absent; an explicit null turns it off. */
function mistralWindow(config: JsonFields): number | null {
  if (config.raw('sliding_window') === null) return null;
  return config.int('sliding_window', 4096);
}

/**
 * Qwen2Config/Qwen3Config: sliding_window counts only with use_sliding_window; layer_types, when
 * absent, is "sliding_attention" for layers at or past max_window_layers.
 */
function qwenWindows(config: JsonFields, numLayers: number): (number | null)[] {
  const window = config.bool('use_sliding_window', false) ? config.int('sliding_window', 4096) : null;
  const types = config.raw('layer_types');
  if (types === undefined || types === null) {
    const fullLayers = config.count('max_window_layers', 28);
    return Array.from({ length: numLayers }, (_, i) => (window !== null && i >= fullLayers ? window : null));
  }
  const valid = ['full_attention', 'sliding_attention'];
  if (!Array.isArray(types) || types.length !== numLayers || !types.every((t) => valid.includes(t as string))) {
    config.fail('layer_types', `a list of ${numLayers} entries, each "full_attention" or "sliding_attention"`);
  }
  return types.map((t, i) => {
    if (t === 'full_attention') return null;
    if (window === null) config.fail('sliding_window', `a window size with use_sliding_window true, since layer ${i} is "sliding_attention"`);
    return window;
  });
}
