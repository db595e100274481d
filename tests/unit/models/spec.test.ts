/** ModelSpec tensor names and shapes, and the HyperAdapt / LoRA parameter counts. */
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../../src/main/engine/models/config';
import { buildModelSpec, linearsOf } from '../../../src/main/engine/models/spec';
import {
  countHyperAdaptParameters,
  countLoraParameters,
  HYPERADAPT_TARGET_MODULES,
  parseTargetModules,
} from '../../../src/main/engine/models/targets';

// The published config.json of meta-llama/Llama-3.2-1B (the fields the spec reads).
const llama32_1b = {
  architectures: ['LlamaForCausalLM'],
  hidden_size: 2048,
  intermediate_size: 8192,
  num_hidden_layers: 16,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  head_dim: 64,
  vocab_size: 128256,
  rms_norm_eps: 1e-5,
  rope_theta: 500000,
  rope_scaling: { rope_type: 'llama3', factor: 32, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 },
  tie_word_embeddings: true,
};

describe('buildModelSpec', () => {
  it('names every tensor with its Hugging Face name and shape; a tied head reuses the embedding', () => {
    const spec = buildModelSpec(normalizeConfig('config.json', llama32_1b));
    expect(spec.lmHead).toBe('model.embed_tokens.weight');
    expect(spec.tensors.map((t) => t.name)).not.toContain('lm_head.weight');
    expect(spec.tensors).toHaveLength(1 + 16 * 9 + 1);
    const shape = (name: string) => spec.tensors.find((t) => t.name === name)?.shape;
    expect(shape('model.embed_tokens.weight')).toEqual([128256, 2048]);
    expect(shape('model.layers.15.self_attn.q_proj.weight')).toEqual([2048, 2048]);
    expect(shape('model.layers.15.self_attn.k_proj.weight')).toEqual([512, 2048]);
    expect(shape('model.layers.0.mlp.down_proj.weight')).toEqual([2048, 8192]);
    expect(shape('model.norm.weight')).toEqual([2048]);
    expect(spec.layers[3]!.linears.o_proj).toEqual({
      path: 'model.layers.3.self_attn.o_proj',
      module: 'o_proj',
      layer: 3,
      weight: 'model.layers.3.self_attn.o_proj.weight',
      bias: null,
      out: 2048,
      in: 2048,
    });
    expect(spec.invFreq).toHaveLength(32);
    expect(spec.attentionScale).toBe(0.125);
  });

  it('adds Qwen3 q/k norms [Dh] with head_dim apart from hidden / heads, and an untied head', () => {
    const spec = buildModelSpec(
      normalizeConfig('config.json', {
        architectures: ['Qwen3ForCausalLM'],
        hidden_size: 32,
        intermediate_size: 64,
        num_hidden_layers: 1,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        head_dim: 16,
        vocab_size: 300,
      }),
    );
    expect(spec.tensors).toEqual([
      { name: 'model.embed_tokens.weight', shape: [300, 32] },
      { name: 'model.layers.0.input_layernorm.weight', shape: [32] },
      { name: 'model.layers.0.self_attn.q_norm.weight', shape: [16] },
      { name: 'model.layers.0.self_attn.k_norm.weight', shape: [16] },
      { name: 'model.layers.0.post_attention_layernorm.weight', shape: [32] },
      { name: 'model.layers.0.self_attn.q_proj.weight', shape: [64, 32] },
      { name: 'model.layers.0.self_attn.k_proj.weight', shape: [32, 32] },
      { name: 'model.layers.0.self_attn.v_proj.weight', shape: [32, 32] },
      { name: 'model.layers.0.self_attn.o_proj.weight', shape: [32, 64] },
      { name: 'model.layers.0.mlp.gate_proj.weight', shape: [64, 32] },
      { name: 'model.layers.0.mlp.up_proj.weight', shape: [64, 32] },
      { name: 'model.layers.0.mlp.down_proj.weight', shape: [32, 64] },
      { name: 'model.norm.weight', shape: [32] },
      { name: 'lm_head.weight', shape: [300, 32] },
    ]);
    expect(spec.layers[0]).toMatchObject({ qNorm: 'model.layers.0.self_attn.q_norm.weight', kNorm: 'model.layers.0.self_attn.k_norm.weight' });
  });

  it('lists Qwen2 q/k/v biases and no o bias', () => {
    const spec = buildModelSpec(
      normalizeConfig('config.json', { ...llama32_1b, architectures: ['Qwen2ForCausalLM'], num_hidden_layers: 1, rope_scaling: null }),
    );
    const biases = spec.tensors.filter((t) => t.name.endsWith('.bias'));
    expect(biases).toEqual([
      { name: 'model.layers.0.self_attn.q_proj.bias', shape: [2048] },
      { name: 'model.layers.0.self_attn.k_proj.bias', shape: [512] },
      { name: 'model.layers.0.self_attn.v_proj.bias', shape: [512] },
    ]);
  });
});

describe('parameter counts', () => {
  const spec = buildModelSpec(normalizeConfig('config.json', llama32_1b));

  it('counts Σ(out + in) over every linear by default, and LoRA r=8 as 8x that', () => {
    // Per layer: q 2048+2048, k 512+2048, v 512+2048, o 2048+2048, gate/up 8192+2048 each, down 2048+8192.
    expect(countHyperAdaptParameters(spec)).toBe(16 * (4096 + 2560 + 2560 + 4096 + 3 * 10240));
    expect(countHyperAdaptParameters(spec)).toBe(704_512);
    // PEFT reports 5,636,096 trainable parameters for LoRA r=8 on all linear layers of Llama-3.2-1B.
    expect(countLoraParameters(spec)).toBe(5_636_096);
    expect(countLoraParameters(spec, HYPERADAPT_TARGET_MODULES, 16)).toBe(2 * 5_636_096);
  });

  it('counts only the chosen targets, in layer then module order', () => {
    const targets = parseTargetModules(['v_proj', 'q_proj']);
    expect(targets).toEqual(['q_proj', 'v_proj']);
    expect(countHyperAdaptParameters(spec, targets)).toBe(16 * (4096 + 2560));
    expect(linearsOf(spec, targets).slice(0, 3).map((l) => l.path)).toEqual([
      'model.layers.0.self_attn.q_proj',
      'model.layers.0.self_attn.v_proj',
      'model.layers.1.self_attn.q_proj',
    ]);
  });

  it('refuses unknown or empty target lists', () => {
    expect(() => parseTargetModules(['q_proj', 'lm_head'])).toThrow('unknown target module(s) lm_head; choose among q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj');
    expect(() => parseTargetModules([])).toThrow('no target modules chosen');
  });
});
