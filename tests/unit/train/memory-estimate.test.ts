import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../../src/main/engine/models/config';
import { buildModelSpec } from '../../../src/main/engine/models/spec';
import { estimateTrainingMemory, GRAPH_BYTES_PER_NODE, RUNTIME_BYTES } from '../../../src/main/engine/train/memory-estimate';

/** A Qwen2-shaped config; no files are needed: the estimate reads none. */
const spec = buildModelSpec(
  normalizeConfig('config.json', {
    architectures: ['Qwen2ForCausalLM'],
    vocab_size: 1000,
    hidden_size: 64,
    intermediate_size: 192,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    tie_word_embeddings: true,
  }),
);
const weightBytes = spec.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1) * 4, 0);

describe('estimateTrainingMemory', () => {
  it('adds runtime, float32 weights, graph and activations; 16-bit weights become private float32 copies', () => {
    const f32 = estimateTrainingMemory(spec, { batch: 2, seqLen: 32, storedDtype: 'F32' });
    const bf16 = estimateTrainingMemory(spec, { batch: 2, seqLen: 32, storedDtype: 'BF16' });
    expect(f32.weightBytes).toBe(weightBytes);
    expect(bf16.weightBytes).toBe(weightBytes); // as loaded: float32, not the 16-bit file
    expect([f32.weightsPrivate, bf16.weightsPrivate]).toEqual([false, true]);
    expect(f32.residentBytes).toBe(f32.graphBytes); // the mapped file is shared, not the session's own
    expect(bf16.residentBytes).toBe(bf16.graphBytes + weightBytes);
    expect(f32.graphBytes % GRAPH_BYTES_PER_NODE).toBe(0);
    expect(f32.totalBytes).toBe(RUNTIME_BYTES + weightBytes + f32.graphBytes + f32.activationBytes);
    expect(bf16.activationBytes).toBe(f32.activationBytes); // the casts are folded at load
  });

  it('grows with the tokens of a step; evaluation keeps no activations for a backward; prepacking adds a weight copy', () => {
    const at = (batch: number, seqLen: number, more = {}) => estimateTrainingMemory(spec, { batch, seqLen, storedDtype: 'F32', ...more });
    const base = at(2, 32);
    expect(at(4, 32).activationBytes).toBeGreaterThan(1.5 * base.activationBytes);
    expect(at(2, 64).activationBytes).toBeGreaterThan(1.5 * base.activationBytes);
    expect(at(2, 32, { gradient: false }).activationBytes).toBeLessThan(base.activationBytes / 2);
    expect(at(2, 32, { targets: ['q_proj'] }).activationBytes).toBeLessThan(base.activationBytes);
    expect(at(2, 32, { prepacking: true }).totalBytes - base.totalBytes).toBe(weightBytes);
  });

  it('refuses a stored dtype the forward cannot read', () => {
    expect(() => estimateTrainingMemory(spec, { batch: 1, seqLen: 8, storedDtype: 'I8' })).toThrow(/F32, F16 or BF16/);
  });
});
