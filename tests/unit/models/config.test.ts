/** config.json -> ModelConfig: transformers' defaults per architecture, and clear errors. */
import { describe, expect, it } from 'vitest';
import { normalizeConfig, readModelConfig } from '../../../src/main/engine/models/config';
import { ModelConfigError, ModelFileError, UnsupportedArchitectureError } from '../../../src/main/engine/models/errors';
import { freshDir } from './helpers/tiny';
import { mkdir } from 'node:fs/promises';

const FILE = '/models/x/config.json';
const base = (architecture: string, extra: Record<string, unknown> = {}) => ({
  architectures: [architecture],
  vocab_size: 512,
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 3,
  num_attention_heads: 4,
  ...extra,
});

describe('normalizeConfig', () => {
  it('applies Qwen3 defaults: head_dim 128, MHA when num_key_value_heads is absent, q/k norm, no biases', () => {
    const c = normalizeConfig(FILE, base('Qwen3ForCausalLM'));
    expect(c).toMatchObject({ headDim: 128, numKvHeads: 4, rmsNormEps: 1e-6, tieWordEmbeddings: false, qkNorm: true, maxPositionEmbeddings: 32768 });
    expect(c.biases).toEqual({ q: false, k: false, v: false, o: false, mlp: false });
    expect(c.rope).toEqual({ theta: 10000, scaling: { type: 'default' } });
    expect(normalizeConfig(FILE, base('Qwen3ForCausalLM', { attention_bias: true })).biases).toEqual({ q: true, k: true, v: true, o: true, mlp: false });
  });

  it('gives Qwen2 q/k/v biases but no o bias, and head_dim hidden / heads', () => {
    const c = normalizeConfig(FILE, base('Qwen2ForCausalLM', { num_key_value_heads: 2 }));
    expect(c.biases).toEqual({ q: true, k: true, v: true, o: false, mlp: false });
    expect(c).toMatchObject({ headDim: 16, numKvHeads: 2, qkNorm: false });
  });

  it('reads llama attention_bias and mlp_bias, and an explicit head_dim', () => {
    const c = normalizeConfig(FILE, base('LlamaForCausalLM', { attention_bias: true, mlp_bias: true, head_dim: 32, rms_norm_eps: 1e-5 }));
    expect(c.biases).toEqual({ q: true, k: true, v: true, o: true, mlp: true });
    expect(c).toMatchObject({ headDim: 32, rmsNormEps: 1e-5 });
  });

  it('follows each architecture’s sliding-window rules', () => {
    // Mistral: absent means transformers' default window of 4096; an explicit null turns it off.
    expect(normalizeConfig(FILE, base('MistralForCausalLM')).slidingWindows).toEqual([4096, 4096, 4096]);
    expect(normalizeConfig(FILE, base('MistralForCausalLM', { sliding_window: null })).slidingWindows).toEqual([null, null, null]);
    // Qwen: only with use_sliding_window, and only from max_window_layers on.
    expect(normalizeConfig(FILE, base('Qwen2ForCausalLM', { sliding_window: 8 })).slidingWindows).toEqual([null, null, null]);
    const sliding = base('Qwen2ForCausalLM', { use_sliding_window: true, sliding_window: 8, max_window_layers: 1 });
    expect(normalizeConfig(FILE, sliding).slidingWindows).toEqual([null, 8, 8]);
    const typed = { ...sliding, layer_types: ['sliding_attention', 'full_attention', 'sliding_attention'] };
    expect(normalizeConfig(FILE, typed).slidingWindows).toEqual([8, null, 8]);
    expect(normalizeConfig(FILE, base('LlamaForCausalLM', { sliding_window: 8 })).slidingWindows).toEqual([null, null, null]);
  });

  it('reads rope_theta/rope_scaling (transformers 4) and rope_parameters (transformers 5)', () => {
    const llama3 = { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 };
    const expected = { theta: 500000, scaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 } };
    expect(normalizeConfig(FILE, base('LlamaForCausalLM', { rope_theta: 500000, rope_scaling: llama3 })).rope).toEqual(expected);
    expect(normalizeConfig(FILE, base('LlamaForCausalLM', { rope_parameters: { ...llama3, rope_theta: 500000 } })).rope).toEqual(expected);
    // Old configs spell rope_type as type.
    expect(normalizeConfig(FILE, base('LlamaForCausalLM', { rope_scaling: { type: 'linear', factor: 2 } })).rope.scaling).toEqual({ type: 'linear', factor: 2 });
  });

  it('reads eos_token_id as an id or a list', () => {
    expect(normalizeConfig(FILE, base('LlamaForCausalLM', { eos_token_id: 7 })).eosTokenIds).toEqual([7]);
    expect(normalizeConfig(FILE, base('LlamaForCausalLM', { eos_token_id: [7, 9] })).eosTokenIds).toEqual([7, 9]);
  });

  it('names the supported architectures when it meets another', () => {
    const error = (() => {
      try {
        normalizeConfig(FILE, base('GPT2LMHeadModel'));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnsupportedArchitectureError);
    expect(error).toMatchObject({ found: 'GPT2LMHeadModel', file: FILE });
    expect((error as Error).message).toBe(
      `${FILE}: architecture "GPT2LMHeadModel" is not supported; supported architectures: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM`,
    );
  });

  it.each([
    ['a missing dimension', { hidden_size: undefined }, 'hidden_size', 'expected a positive integer (the field is required), found nothing (the field is absent)'],
    ['a non-integer dimension', { num_hidden_layers: 2.5 }, 'num_hidden_layers', 'expected a positive integer, found 2.5'],
    ['heads that do not group', { num_key_value_heads: 3 }, 'num_key_value_heads', 'expected a divisor of num_attention_heads (4), found 3'],
    ['an activation other than SiLU', { hidden_act: 'gelu' }, 'hidden_act', 'expected "silu"'],
    ['an odd head_dim', { head_dim: 15 }, 'head_dim', 'expected an even number'],
    ['an unsupported rope type', { rope_scaling: { rope_type: 'yarn', factor: 4 } }, 'rope_scaling.rope_type', 'expected one of default, linear, llama3'],
    ['an incomplete llama3 rope', { rope_scaling: { rope_type: 'llama3', factor: 8 } }, 'rope_scaling.low_freq_factor', 'required'],
    ['a missing architectures list', { architectures: undefined }, 'architectures', 'expected a list naming the model class'],
  ])('rejects %s, naming the file and the field', (_what, patch, field, text) => {
    // JSON.stringify drops the undefined fields, as a config.json without them would read.
    const json = JSON.parse(JSON.stringify({ ...base('LlamaForCausalLM'), ...patch })) as Record<string, unknown>;
    expect(() => normalizeConfig(FILE, json)).toThrow(ModelConfigError);
    expect(() => normalizeConfig(FILE, json)).toThrow(`${FILE}: field "${field}": `);
    expect(() => normalizeConfig(FILE, json)).toThrow(text);
  });
});

describe('readModelConfig', () => {
  it('says config.json is missing, with the path', async () => {
    const dir = await freshDir();
    await mkdir(dir, { recursive: true });
    const error = await readModelConfig(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toBe(`${dir}/config.json: missing model config (is this a Hugging Face model folder?)`);
  });
});
