/**
 * Self-attention as Llama, Mistral, Qwen2 and Qwen3 compute it (HF modeling_llama.py LlamaAttention,
 * modeling_qwen3.py Qwen3Attention), built from the engine's blocks. The engine's causalAttention
 * has no place for Qwen3's per-head q/k RMSNorm, which sits between the head split and RoPE; this
 * block takes it as an option. Masks come from the caller, so a layer with a sliding window gets
 * its own.
 * Dims: B batch, T time, C hidden, H query heads, KV key/value heads, Dh head dim.
 */
import { attentionMask } from '../onnx/attention';
import { lowestFinite } from '../onnx/element-types';
import type { Graph, Tensor } from '../onnx/graph';
import { type LinearParams, linear } from '../onnx/hyper-linear';
import { rmsNorm } from '../onnx/layers';
import { And, Expand, FusedMatMul, MatMul, Reshape, Softmax, Transpose, Unsqueeze, Where } from '../onnx/ops';
import { applyRope, type RopeTables } from '../onnx/rope';

export interface SelfAttentionParams {
  q: LinearParams;
  k: LinearParams;
  v: LinearParams;
  o: LinearParams;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  /** Softmax scale, Dh^-0.5. */
  scale: number;
  /** Qwen3: RMSNorm weights [Dh] applied to every query and key head before RoPE. */
  qkNorm?: { q: Tensor; k: Tensor; eps: number };
}

/**
 * bool [B, 1, T, T]: query i sees key j when j <= i, j is not padding, and, with a window,
 * i - j < window (HF sliding_window_overlay: kv_idx > q_idx - sliding_window). Indices are
 * positions in the sequence (HF cache positions), not position_ids.
 */
export function layerMask(g: Graph, T: number, padding: Tensor, window: number | null): Tensor {
  const causal = attentionMask(g, T, padding); // [B, 1, T, T]
  if (window === null || window >= T) return causal;
  const near = Array.from({ length: T * T }, (_, k) => Math.floor(k / T) - (k % T) < window); // [i][j]
  return And(g, causal, g.constant('bool', [1, 1, T, T], near.map(Number))); // [B, 1, T, T]
}

/** x [B, T, C] -> [B, T, C]. */
export function selfAttention(g: Graph, x: Tensor, p: SelfAttentionParams, rope: RopeTables, mask: Tensor): Tensor {
  const { numHeads: H, numKvHeads: KV, headDim: Dh } = p;
  const split = (t: Tensor, n: number): Tensor => Reshape(g, t, [0, 0, n, Dh]); // [B, T, n, Dh]
  const toHeads = (t: Tensor): Tensor => Transpose(g, t, { perm: [0, 2, 1, 3] }); // [B, n, T, Dh]
  let q = split(g.scope('q_proj', () => linear(g, x, p.q)), H); // [B, T, H, Dh]
  let k = split(g.scope('k_proj', () => linear(g, x, p.k)), KV); // [B, T, KV, Dh]
  const v = toHeads(split(g.scope('v_proj', () => linear(g, x, p.v)), KV)); // [B, KV, T, Dh]
  if (p.qkNorm) {
    const { q: qw, k: kw, eps } = p.qkNorm;
    q = g.scope('q_norm', () => rmsNorm(g, q, qw, eps)); // over Dh, per head
    k = g.scope('k_norm', () => rmsNorm(g, k, kw, eps));
  }
  const qr = applyRope(g, toHeads(q), rope); // [B, H, T, Dh]
  const kr = applyRope(g, toHeads(k), rope); // [B, KV, T, Dh]
  // q k^T * scale with k read in place (transB); masked with float32's lowest value, as HF's eager path.
  const scores = FusedMatMul(g, qr, repeatKv(g, kr, H, KV, Dh), { transB: 1, alpha: p.scale }); // [B, H, T, T]
  const probs = Softmax(g, Where(g, mask, scores, lowestFinite('float32'))); // [B, H, T, T]
  const out = MatMul(g, probs, repeatKv(g, v, H, KV, Dh)); // [B, H, T, Dh]
  const merged = Reshape(g, Transpose(g, out, { perm: [0, 2, 1, 3] }), [0, 0, H * Dh]); // [B, T, H*Dh]
  return g.scope('o_proj', () => linear(g, merged, p.o)); // [B, T, C]
}

/** [B, KV, T, Dh] -> [B, H, T, Dh]: query head h reads key/value head floor(h / (H / KV)) (HF repeat_kv). */
function repeatKv(g: Graph, t: Tensor, H: number, KV: number, Dh: number): Tensor {
  if (H === KV) return t;
  const expanded = Expand(g, Unsqueeze(g, t, [2]), [1, 1, H / KV, 1, 1]); // [B, KV, H/KV, T, Dh]
  return Reshape(g, expanded, [0, H, -1, Dh]); // [B, H, T, Dh]
}
