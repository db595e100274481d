/**
 * Causal self-attention with grouped-query heads and rotate-half RoPE, following HF modeling_llama.py
 * (LlamaAttention with eager_attention_forward and repeat_kv), over the sequence alone (training,
 * evaluation) or over a KV cache plus the new tokens (generation): one implementation for both.
 * Dims: B batch, T time (new tokens), P cached tokens, S keys attended (T, or P+T with a cache),
 * C hidden, H query heads, KV key/value heads, Dh head dim.
 */
import { accumulationDtype, lowestFinite } from './element-types';
import { ShapeError } from './errors';
import type { Graph, Tensor } from './graph';
import { type LinearParams, linear } from './hyper-linear';
import { rmsNorm } from './norm';
import { And, Cast, Concat, Equal, FusedMatMul, LessOrEqual, MatMul, Reshape, Softmax, Transpose, Unsqueeze, Where, floatDtype } from './ops';
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
 * bool [Tq, Tk]: [i][j] = keyIdx[j] <= queryIdx[i], from int64 position vectors queryIdx [Tq] and
 * keyIdx [Tk]. Without a cache both are 0..T-1; with one, the queries sit after the cached keys.
 */
export function causalMask(g: Graph, queryIdx: Tensor, keyIdx: Tensor): Tensor {
  return LessOrEqual(g, Unsqueeze(g, keyIdx, [0]), Unsqueeze(g, queryIdx, [1])); // [Tq, Tk]
}

/**
 * Which keys each query may attend to: key j <= query i, and key j is not padding.
 * paddingMask [B, T] int64 (1 = token, 0 = padding), as HF's attention_mask. Result bool [B or 1, 1, T, T].
 */
export function attentionMask(g: Graph, T: number, paddingMask?: Tensor): Tensor {
  const idx = g.constant('int64', [T], Array.from({ length: T }, (_, i) => i));
  const mask = Unsqueeze(g, causalMask(g, idx, idx), [0, 1]); // [1, 1, T, T]
  if (!paddingMask) return mask;
  const keys = Unsqueeze(g, Equal(g, paddingMask, 1), [1, 2]); // [B, 1, 1, T]
  return And(g, mask, keys); // [B, 1, T, T]
}

/** Keys and values per head after RoPE: what a KV cache stores (HF caches k after rotary, too). */
export interface KeyValue {
  /** [B, KV, S, Dh] */
  key: Tensor;
  /** [B, KV, S, Dh] */
  value: Tensor;
}

/** x [B, T, C] -> [B, T, C]. mask from attentionMask; rope tables for the same positions. */
export function causalAttention(g: Graph, x: Tensor, p: AttentionParams, rope: RopeTables, mask: Tensor): Tensor {
  const { q, k, v } = projectHeads(g, x, p, rope);
  return attend(g, q, { key: k, value: v }, p, mask);
}

/**
 * Attention for generation: the T new tokens of x [B, T, C] attend to the P cached keys and to
 * themselves. present = past ++ new along time ([B, KV, P+T, Dh] each), the next step's past.
 * mask bool [B or 1, 1, T, P+T] over those keys, in that order.
 */
export function cachedAttention(g: Graph, x: Tensor, p: AttentionParams, rope: RopeTables, mask: Tensor, past: KeyValue): { output: Tensor; present: KeyValue } {
  const { q, k, v } = projectHeads(g, x, p, rope);
  const present = {
    key: Concat(g, [past.key, k], { axis: 2 }), // [B, KV, P+T, Dh]
    value: Concat(g, [past.value, v], { axis: 2 }), // [B, KV, P+T, Dh]
  };
  return { output: attend(g, q, present, p, mask), present };
}

/** The q, k, v projections of x [B, T, C], split into heads, Qwen3's q/k norm and RoPE applied. */
function projectHeads(g: Graph, x: Tensor, p: AttentionParams, rope: RopeTables): { q: Tensor; k: Tensor; v: Tensor } {
  const { numHeads: H, numKvHeads: KV, headDim: Dh } = p;
  if (H % KV !== 0) throw new ShapeError('causalAttention', `${H} query heads do not group into ${KV} key/value heads`);
  const split = (t: Tensor, n: number): Tensor => Reshape(g, t, [0, 0, n, Dh]); // [B, T, n, Dh]
  let q = split(g.scope('q_proj', () => linear(g, x, p.q)), H); // [B, T, H, Dh]
  let k = split(g.scope('k_proj', () => linear(g, x, p.k)), KV); // [B, T, KV, Dh]
  const v = toHeads(g, split(g.scope('v_proj', () => linear(g, x, p.v)), KV)); // [B, KV, T, Dh]
  if (p.qkNorm) {
    const { q: qw, k: kw, eps } = p.qkNorm;
    q = g.scope('q_norm', () => rmsNorm(g, q, qw, eps)); // over Dh, per head
    k = g.scope('k_norm', () => rmsNorm(g, k, kw, eps));
  }
  return { q: applyRope(g, toHeads(g, q), rope), k: applyRope(g, toHeads(g, k), rope), v }; // [B, H, T, Dh], [B, KV, T, Dh] x 2
}

/**
 * softmax(q k^T * scale, masked) v through o_proj, with grouped-query heads: the G = H / KV query
 * heads that share a key/value head (HF repeat_kv: head h reads head floor(h / G)) form one batch
 * against it, so keys and values are read where they lie, never copied once per query head (a
 * KV cache of P tokens is read once per step, not G times, and training keeps no expanded copy).
 * q [B, H, T, Dh], keys [B, KV, S, Dh], mask [B or 1, 1, T, S] -> [B, T, C]
 */
function attend(g: Graph, q: Tensor, keys: KeyValue, p: AttentionParams, mask: Tensor): Tensor {
  const { numHeads: H, numKvHeads: KV, headDim: Dh } = p;
  const dtype = floatDtype('causalAttention', q);
  const grouped = Reshape(g, q, [0, KV, H / KV, -1, Dh]); // [B, KV, G, T, Dh]
  const shared = (t: Tensor): Tensor => Unsqueeze(g, t, [2]); // [B, KV, 1, S, Dh], broadcast over the group
  // q k^T * scale with k read in place (transB), masked with the dtype's lowest value as HF does.
  const scores = FusedMatMul(g, grouped, shared(keys.key), { transB: 1, alpha: p.scale ?? 1 / Math.sqrt(Dh) }); // [B, KV, G, T, S]
  const masked = Where(g, Unsqueeze(g, mask, [1]), scores, lowestFinite(dtype)); // mask [B or 1, 1, 1, T, S]
  // Softmax in float32 or wider (HF: softmax(..., dtype=torch.float32).to(query.dtype)).
  const wide = accumulationDtype(dtype);
  const probs = wide === dtype ? Softmax(g, masked) : Cast(g, Softmax(g, Cast(g, masked, { to: wide })), { to: dtype });
  const out = Reshape(g, MatMul(g, probs, shared(keys.value)), [0, H, -1, Dh]); // [B, KV, G, T, Dh] -> [B, H, T, Dh]
  const merged = Reshape(g, Transpose(g, out, { perm: [0, 2, 1, 3] }), [0, 0, H * Dh]); // [B, T, H*Dh]
  return g.scope('o_proj', () => linear(g, merged, p.o)); // [B, T, C]
}

/** [B, T, n, Dh] -> [B, n, T, Dh] */
function toHeads(g: Graph, t: Tensor): Tensor {
  return Transpose(g, t, { perm: [0, 2, 1, 3] });
}
