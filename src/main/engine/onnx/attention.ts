/**
 * Causal self-attention with grouped-query heads and rotate-half RoPE, following HF modeling_llama.py
 * (LlamaAttention with eager_attention_forward and repeat_kv).
 * Dims: B batch, T time, C hidden, H query heads, KV key/value heads, Dh head dim.
 */
import { accumulationDtype, lowestFinite } from './element-types';
import { ShapeError } from './errors';
import type { Graph, Tensor } from './graph';
import { type LinearParams, linear } from './hyper-linear';
import { rmsNorm } from './norm';
import { And, Cast, Equal, Expand, FusedMatMul, LessOrEqual, MatMul, Reshape, Softmax, Transpose, Unsqueeze, Where, floatDtype } from './ops';
import { type RopeTables, applyRope } from './rope';

export interface AttentionParams {
  q: LinearParams;
  k: LinearParams;
  v: LinearParams;
  o: LinearParams;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  /** Softmax scale; default Dh^-0.5. */
  scale?: number;
  /** Qwen3: RMSNorm weights [Dh] applied to every query and key head, between the head split and RoPE. */
  qkNorm?: { q: Tensor; k: Tensor; eps: number };
}

/**
 * Which keys each query may attend to: key j <= query i, and key j is not padding.
 * paddingMask [B, T] int64 (1 = token, 0 = padding), as HF's attention_mask. Result bool [B or 1, 1, T, T].
 */
export function attentionMask(g: Graph, T: number, paddingMask?: Tensor): Tensor {
  const idx = g.constant('int64', [T], Array.from({ length: T }, (_, i) => i));
  const causal = LessOrEqual(g, Unsqueeze(g, idx, [0]), Unsqueeze(g, idx, [1])); // [T, T]: [i][j] = j <= i
  const mask = Unsqueeze(g, causal, [0, 1]); // [1, 1, T, T]
  if (!paddingMask) return mask;
  const keys = Unsqueeze(g, Equal(g, paddingMask, 1), [1, 2]); // [B, 1, 1, T]
  return And(g, mask, keys); // [B, 1, T, T]
}

/** x [B, T, C] -> [B, T, C]. mask from attentionMask; rope tables for the same positions. */
export function causalAttention(g: Graph, x: Tensor, p: AttentionParams, rope: RopeTables, mask: Tensor): Tensor {
  const { numHeads: H, numKvHeads: KV, headDim: Dh } = p;
  if (H % KV !== 0) throw new ShapeError('causalAttention', `${H} query heads do not group into ${KV} key/value heads`);
  const dtype = floatDtype('causalAttention', x);
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
  // q k^T * scale with k read in place (transB), masked with the dtype's lowest value as HF does.
  const scores = FusedMatMul(g, qr, repeatKv(g, kr, p), { transB: 1, alpha: p.scale ?? 1 / Math.sqrt(Dh) }); // [B, H, T, T]
  const masked = Where(g, mask, scores, lowestFinite(dtype));
  // Softmax in float32 or wider (HF: softmax(..., dtype=torch.float32).to(query.dtype)).
  const wide = accumulationDtype(dtype);
  const probs = wide === dtype ? Softmax(g, masked) : Cast(g, Softmax(g, Cast(g, masked, { to: wide })), { to: dtype });
  const out = MatMul(g, probs, repeatKv(g, v, p)); // [B, H, T, Dh]
  const merged = Reshape(g, Transpose(g, out, { perm: [0, 2, 1, 3] }), [0, 0, H * Dh]); // [B, T, H*Dh]
  return g.scope('o_proj', () => linear(g, merged, p.o)); // [B, T, C]
}

/** [B, KV, T, Dh] -> [B, H, T, Dh], query head h reading key/value head floor(h / (H / KV)) (HF repeat_kv). */
function repeatKv(g: Graph, t: Tensor, { numHeads: H, numKvHeads: KV, headDim: Dh }: AttentionParams): Tensor {
  if (H === KV) return t;
  const expanded = Expand(g, Unsqueeze(g, t, [2]), [1, 1, H / KV, 1, 1]); // [B, KV, H/KV, T, Dh]
  return Reshape(g, expanded, [0, H, -1, Dh]); // [B, H, T, Dh]
}
