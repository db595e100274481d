/**
 * How each supported Hugging Face architecture maps onto llama.cpp (after convert_hf_to_gguf.py):
 * Llama and Mistral become "llama", whose RoPE rotates adjacent pairs (GPT-J style), so their q
 * and k rows are permuted from transformers' rotate-half order; Qwen2 and Qwen3 keep their own
 * names and llama.cpp runs them with NeoX (rotate-half) RoPE, so nothing is permuted.
 */
import type { Architecture } from '../../models/architectures';
import type { ModelConfig } from '../../models/config';

export interface GgufArchitecture {
  readonly name: 'llama' | 'qwen2' | 'qwen3';
  readonly permuteQK: boolean;
  /** llama.cpp reads rope_freqs.weight (per-frequency divisors) for this architecture. */
  readonly ropeFreqs: boolean;
}

export const GGUF_ARCHITECTURES: Readonly<Record<Architecture, GgufArchitecture>> = {
  LlamaForCausalLM: { name: 'llama', permuteQK: true, ropeFreqs: true },
  MistralForCausalLM: { name: 'llama', permuteQK: true, ropeFreqs: true },
  Qwen2ForCausalLM: { name: 'qwen2', permuteQK: false, ropeFreqs: false },
  Qwen3ForCausalLM: { name: 'qwen3', permuteQK: false, ropeFreqs: false },
};

/** A model llama.cpp would run differently from us; the message says what and why. */
export class GgufUnsupportedError extends Error {
  override name = 'GgufUnsupportedError';
  constructor(
    readonly feature: string,
    readonly reason: string,
  ) {
    super(`GGUF export cannot represent ${feature}: ${reason}`);
  }
}

/** Refuses what llama.cpp's loaders for these architectures would not reproduce. */
export function checkGgufSupport(config: ModelConfig, arch: GgufArchitecture): void {
  if (config.rope.scaling.type !== 'default' && !arch.ropeFreqs) {
    throw new GgufUnsupportedError(`${config.rope.scaling.type} RoPE scaling on ${arch.name}`, 'llama.cpp reads per-frequency factors only for llama');
  }
  if (arch.name === 'qwen3' && (config.biases.q || config.biases.k || config.biases.v || config.biases.o)) {
    throw new GgufUnsupportedError('attention biases on qwen3', "llama.cpp's qwen3 loader has no bias tensors");
  }
  if (config.slidingWindows.some((w) => w !== null && w < config.maxPositionEmbeddings)) {
    throw new GgufUnsupportedError('sliding-window attention', "llama.cpp's llama and qwen loaders attend to the whole context");
  }
}
