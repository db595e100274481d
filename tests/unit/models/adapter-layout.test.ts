/** The flat adapter vector's layout, and its split into / join from named a/b tensors. */
import { describe, expect, it } from 'vitest';
import { adapterLayout, identityAdapterVector, joinAdapterVector, splitAdapterVector } from '../../../src/main/engine/models/adapter-layout';
import { normalizeConfig } from '../../../src/main/engine/models/config';
import { buildModelSpec } from '../../../src/main/engine/models/spec';
import { countHyperAdaptParameters } from '../../../src/main/engine/models/targets';

const spec = buildModelSpec(
  normalizeConfig('config.json', {
    architectures: ['Qwen2ForCausalLM'],
    hidden_size: 8,
    intermediate_size: 12,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    num_key_value_heads: 1,
    vocab_size: 300,
  }),
);

describe('adapterLayout', () => {
  it('places a then b of each target back to back, layer by layer', () => {
    const layout = adapterLayout(spec, ['v_proj', 'q_proj']);
    expect(layout.targets).toEqual(['q_proj', 'v_proj']);
    expect(layout.slots).toEqual([
      { path: 'model.layers.0.self_attn.q_proj', module: 'q_proj', layer: 0, out: 8, in: 8, aOffset: 0, bOffset: 8 },
      { path: 'model.layers.0.self_attn.v_proj', module: 'v_proj', layer: 0, out: 4, in: 8, aOffset: 16, bOffset: 20 },
      { path: 'model.layers.1.self_attn.q_proj', module: 'q_proj', layer: 1, out: 8, in: 8, aOffset: 28, bOffset: 36 },
      { path: 'model.layers.1.self_attn.v_proj', module: 'v_proj', layer: 1, out: 4, in: 8, aOffset: 44, bOffset: 48 },
    ]);
    expect(layout.size).toBe(56);
    expect(adapterLayout(spec).size).toBe(countHyperAdaptParameters(spec));
  });

  it('splits the vector into .hyperadapt_a/.hyperadapt_b tensors and joins them back', () => {
    const layout = adapterLayout(spec);
    const vector = Float32Array.from({ length: layout.size }, (_, i) => i);
    const tensors = splitAdapterVector(layout, vector);
    expect(tensors[0]).toEqual({ name: 'model.layers.0.self_attn.q_proj.hyperadapt_a', shape: [8], data: vector.subarray(0, 8) });
    expect(tensors.at(-1)!.name).toBe('model.layers.1.mlp.down_proj.hyperadapt_b');
    expect(joinAdapterVector(layout, new Map(tensors.map((t) => [t.name, t.data])))).toEqual(vector);
    expect([...identityAdapterVector(layout)].every((x) => x === 1)).toBe(true);
  });

  it('names what is missing or mis-sized when joining', () => {
    const layout = adapterLayout(spec, ['q_proj']);
    const tensors = new Map(splitAdapterVector(layout, new Float32Array(layout.size)).map((t) => [t.name, t.data]));
    tensors.delete('model.layers.1.self_attn.q_proj.hyperadapt_b');
    tensors.set('model.layers.0.self_attn.q_proj.hyperadapt_a', new Float32Array(3));
    expect(() => joinAdapterVector(layout, tensors)).toThrow(
      'adapter tensors do not fit the layout: model.layers.0.self_attn.q_proj.hyperadapt_a has 3 values, expected 8; model.layers.1.self_attn.q_proj.hyperadapt_b is missing',
    );
    expect(() => splitAdapterVector(layout, new Float32Array(5))).toThrow('adapter vector: expected 32 values, got 5');
  });
});
