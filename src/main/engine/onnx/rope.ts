/**
 * Rotary position embeddings in rotate-half form, following HF modeling_llama.py
 * (LlamaRotaryEmbedding, rotate_half, apply_rotary_pos_emb).
 * Dims: B batch, T time, H heads, Dh head dim.
 */
import { type FloatDType, accumulationDtype } from './element-types';
import { ShapeError } from './errors';
import type { Graph, Tensor } from './graph';
import { Add, Cast, Concat, Cos, Mul, Neg, Sin, Split, Unsqueeze } from './ops';

/** cos and sin of position · inv_freq, each [B, T, Dh]. */
export interface RopeTables {
  cos: Tensor;
  sin: Tensor;
}

/**
 * Default RoPE frequencies 1 / theta^(2i / Dh), i < Dh/2, rounded through float32 at each step as
 * HF computes them (torch.arange(...).float() / dim, then base ** that). Scaled variants (llama3)
 * transform this list.
 */
export function ropeInvFreq(headDim: number, theta: number): number[] {
  const f = Math.fround;
  return Array.from({ length: headDim / 2 }, (_, i) => f(1 / f(theta ** f((2 * i) / headDim))));
}

/** positions [B, T] int64 -> cos, sin [B, T, Dh] in `dtype`, computed in float32 or wider. */
export function ropeTables(g: Graph, positions: Tensor, invFreq: readonly number[], dtype: FloatDType): RopeTables {
  if (positions.dtype !== 'int64' || positions.shape.length !== 2) {
    throw new ShapeError('ropeTables', `positions must be int64 [B, T], got ${positions.dtype} [${positions.shape.join(', ')}]`);
  }
  const wide = accumulationDtype(dtype);
  const pos = Unsqueeze(g, Cast(g, positions, { to: wide }), [-1]); // [B, T, 1]
  const freqs = Mul(g, pos, g.constant(wide, [invFreq.length], invFreq)); // [B, T, Dh/2]
  const emb = Concat(g, [freqs, freqs], { axis: -1 }); // [B, T, Dh]
  const narrow = (t: Tensor): Tensor => (wide === dtype ? t : Cast(g, t, { to: dtype }));
  return { cos: narrow(Cos(g, emb)), sin: narrow(Sin(g, emb)) };
}

/** x [B, H, T, Dh] -> x ⊙ cos + rotate_half(x) ⊙ sin, the tables broadcast over heads. */
export function applyRope(g: Graph, x: Tensor, { cos, sin }: RopeTables): Tensor {
  const [x1, x2] = Split(g, x, { axis: -1, num_outputs: 2 }); // [B, H, T, Dh/2] each
  const rotated = Concat(g, [Neg(g, x2!), x1!], { axis: -1 }); // [B, H, T, Dh]
  const c = Unsqueeze(g, cos, [1]); // [B, 1, T, Dh]
  const s = Unsqueeze(g, sin, [1]); // [B, 1, T, Dh]
  return Add(g, Mul(g, x, c), Mul(g, rotated, s));
}
