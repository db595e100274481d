/**
 * Which GGUF tensor each model tensor becomes: its llama.cpp name through one role table, its
 * storage type, and whether its rows are permuted. Names follow gguf-py's TENSOR_NAMES
 * (token_embd, blk.N.attn_q, ...); every tensor the forward reads must map, or the plan throws.
 */
import type { ModelSpec } from '../../models/spec';
import { computeInvFreq } from '../../models/rope';
import type { GgufArchitecture } from './architectures';
import { GgmlType } from './constants';
import { Q8_0_BLOCK } from './q8-0';

export type GgufDtype = 'f32' | 'f16' | 'bf16' | 'q8_0';

export const GGUF_DTYPES: readonly GgufDtype[] = ['f32', 'f16', 'bf16', 'q8_0'];

const MATRIX_TYPES: Readonly<Record<GgufDtype, GgmlType>> = { f32: GgmlType.F32, f16: GgmlType.F16, bf16: GgmlType.BF16, q8_0: GgmlType.Q8_0 };

/** HF name inside a layer -> llama.cpp name inside blk.N. */
const LAYER_ROLES: Readonly<Record<string, string>> = {
  input_layernorm: 'attn_norm',
  'self_attn.q_proj': 'attn_q',
  'self_attn.k_proj': 'attn_k',
  'self_attn.v_proj': 'attn_v',
  'self_attn.o_proj': 'attn_output',
  'self_attn.q_norm': 'attn_q_norm',
  'self_attn.k_norm': 'attn_k_norm',
  post_attention_layernorm: 'ffn_norm',
  'mlp.gate_proj': 'ffn_gate',
  'mlp.up_proj': 'ffn_up',
  'mlp.down_proj': 'ffn_down',
};

const GLOBAL_ROLES: Readonly<Record<string, string>> = {
  'model.embed_tokens.weight': 'token_embd.weight',
  'model.norm.weight': 'output_norm.weight',
  'lm_head.weight': 'output.weight',
};

export const ROPE_FREQS = 'rope_freqs.weight';

export interface PlannedTensor {
  /** The model tensor it comes from; null for rope_freqs, computed from the config. */
  readonly source: string | null;
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: GgmlType;
  /** Heads whose rows to permute into llama.cpp's pair order, or null. */
  readonly permuteHeads: number | null;
}

export function ggufTensorName(hfName: string): string {
  const global = GLOBAL_ROLES[hfName];
  if (global) return global;
  const m = /^model\.layers\.(\d+)\.(.+)\.(weight|bias)$/.exec(hfName);
  const role = m ? LAYER_ROLES[m[2]!] : undefined;
  if (!m || !role) throw new Error(`GGUF export: no llama.cpp name for tensor "${hfName}"`);
  return `blk.${m[1]}.${role}.${m[3]}`;
}

export function planTensors(spec: ModelSpec, arch: GgufArchitecture, dtype: GgufDtype): PlannedTensor[] {
  const c = spec.config;
  const plan: PlannedTensor[] = spec.tensors.map(({ name, shape }) => {
    const gguf = ggufTensorName(name);
    // Norms and biases stay F32, as llama.cpp's converter keeps 1-D tensors; a matrix whose rows
    // do not split into Q8_0 blocks falls back to F16.
    let type = shape.length === 1 ? GgmlType.F32 : MATRIX_TYPES[dtype];
    if (type === GgmlType.Q8_0 && shape[shape.length - 1]! % Q8_0_BLOCK !== 0) type = GgmlType.F16;
    const role = gguf.split('.')[2];
    const permuteHeads = !arch.permuteQK ? null : role === 'attn_q' ? c.numHeads : role === 'attn_k' ? c.numKvHeads : null;
    return { source: name, name: gguf, shape, type, permuteHeads };
  });
  if (arch.ropeFreqs && c.rope.scaling.type !== 'default') plan.push({ source: null, name: ROPE_FREQS, shape: [c.headDim / 2], type: GgmlType.F32, permuteHeads: null });
  return plan;
}

/**
 * llama.cpp divides each base frequency theta^(-2i/Dh) by rope_freqs[i]; our spec holds the scaled
 * inverse frequencies, so the factors are their ratio (this covers linear and llama3 scaling).
 */
export function ropeFreqFactors(spec: ModelSpec): Float32Array {
  const base = computeInvFreq({ theta: spec.config.rope.theta, scaling: { type: 'default' } }, spec.config.headDim);
  return base.map((f, i) => f / spec.invFreq[i]!);
}

/**
 * transformers rotates halves of each head (row h·Dh + half·Dh/2 + i pairs with its other half);
 * llama.cpp's llama rotates adjacent rows, so row h·Dh + 2i + half takes that row. Works on a
 * weight [rows, cols] or a bias (cols = 1).
 */
export function permuteRows(values: Float32Array, heads: number, cols: number): Float32Array {
  const rows = values.length / cols;
  const headDim = rows / heads;
  const half = headDim / 2;
  const out = new Float32Array(values.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      for (let s = 0; s < 2; s++) {
        const from = (h * headDim + s * half + i) * cols;
        out.set(values.subarray(from, from + cols), (h * headDim + 2 * i + s) * cols);
      }
    }
  }
  return out;
}
