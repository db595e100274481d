/**
 * The output head and the masked cross-entropy fused into one tape entry, computed over chunks of
 * tokens so that no [tokens, vocab] tensor outlives its chunk (Qwen2.5-0.5B: 512 tokens x 151936
 * x 4 B = 311 MB per full copy; an unfused loss keeps the logits, the softmax and its gradient).
 *
 * Dims: N tokens, H hidden, V vocabulary, n tokens in one chunk. For chunk c (rows of h and labels):
 *   z_c  = h_c W^T                                          [n, V]   W [V, H] read in place (transB)
 *   nll  = logsumexp(z_c) - z_c[label]                      [n, 1]
 *   dh_c = ((softmax(z_c) - onehot(label)) ⊙ w) W           [n, H]   a plain MatMul with W as stored
 *        = (softmax(z_c) ⊙ w) W - w ⊙ W[label]                      (no scatter into a second [n, V])
 *   w    = mask (reduction 'sum')  or  mask / max(count, 1) (reduction 'mean'),  mask = label != -100
 *
 * The gradient to h is computed here, in the forward, chunk by chunk, as llm.c's fused classifier
 * does: each chunk's logits are used once and dropped, and the backward needs no second pass over
 * the vocabulary. A recomputing backward would cost one more [N, V, H] product, and onnxruntime's
 * CommonSubexpressionElimination would merge the recomputed Gemm with the forward one, keeping
 * every chunk's logits alive until the backward (notes/onnxruntime-node.md, "Memory planning").
 * The rule (gradients.ts) only scales the saved dh by the upstream gradient.
 *
 * Chunks are chained: chunk c+1 reads h_{c+1} + 0·t_c, where t_c reduces chunk c's outputs. Any
 * execution order must then finish chunk c before starting c+1, so at most one chunk's [n, V]
 * tensors are alive. (x + 0·t is not folded: t is computed at run time, and onnxruntime's
 * NoopElimination only drops Add/Mul by constant initializers.)
 *
 * The head weight is frozen (HyperAdapt never trains it): there is no gradient to W. Build with
 * `gradient: false` for evaluation, which skips dh altogether.
 */
import { shapeStr } from './dims';
import { type DType, accumulationDtype } from './element-types';
import { AutodiffError, ShapeError } from './errors';
import type { Graph, Tensor } from './graph';
import {
  Add,
  Cast,
  Concat,
  Div,
  Equal,
  Exp,
  Gather,
  GatherElements,
  Gemm,
  Log,
  MatMul,
  Max,
  Mul,
  Not,
  ReduceMax,
  ReduceSum,
  Slice,
  Squeeze,
  Sub,
  Unsqueeze,
  Where,
  floatDtype,
} from './ops';

/** The tape op whose rule (gradients.ts) scales the dh computed here. */
export const LM_HEAD_CROSS_ENTROPY = 'LmHeadCrossEntropy';

export interface LmHeadCrossEntropyOptions {
  /** Tokens per chunk: the largest [tokens, V] tensor alive is [chunk, V]. */
  chunk: number;
  /** 'mean' over supervised tokens (the default, as maskedCrossEntropy) or their 'sum'. */
  reduction?: 'mean' | 'sum';
  /** Labels equal to this are not supervised (HF's -100). */
  ignoreIndex?: number;
  /** Compute dh for the backward (default true); false for an evaluation-only graph. */
  gradient?: boolean;
}

export interface LmHeadCrossEntropy {
  /** Mean or sum of the token losses over supervised tokens; scalar, float32 or wider. */
  loss: Tensor;
  /** Number of supervised tokens, scalar of the loss dtype; it carries no gradient. */
  count: Tensor;
}

/**
 * hidden [N, H] (the final norm's output), lmHead [V, H] (HF lm_head.weight, or the tied
 * embedding), labels [N] int64 already aligned with the hidden rows (shifted).
 */
export function chunkedLmHeadCrossEntropy(
  g: Graph,
  hidden: Tensor,
  lmHead: Tensor,
  labels: Tensor,
  { chunk, reduction = 'mean', ignoreIndex = -100, gradient = true }: LmHeadCrossEntropyOptions,
): LmHeadCrossEntropy {
  const [N, H] = hidden.shape;
  const [V, H2] = lmHead.shape;
  const dtype = floatDtype(LM_HEAD_CROSS_ENTROPY, hidden);
  if (hidden.shape.length !== 2 || typeof N !== 'number') {
    throw new ShapeError(LM_HEAD_CROSS_ENTROPY, `hidden must be [N, H] with a numeric N, got ${shapeStr(hidden.shape)}`);
  }
  if (lmHead.shape.length !== 2 || typeof V !== 'number' || H2 !== H || lmHead.dtype !== hidden.dtype) {
    throw new ShapeError(LM_HEAD_CROSS_ENTROPY, `lm head must be ${hidden.dtype} [V, ${H}], got ${lmHead.dtype} ${shapeStr(lmHead.shape)}`);
  }
  if (labels.dtype !== 'int64' || labels.shape.length !== 1 || labels.shape[0] !== N) {
    throw new ShapeError(LM_HEAD_CROSS_ENTROPY, `labels must be int64 [${N}], got ${labels.dtype} ${shapeStr(labels.shape)}`);
  }
  if (!Number.isInteger(chunk) || chunk <= 0) throw new ShapeError(LM_HEAD_CROSS_ENTROPY, `chunk must be a positive integer, got ${chunk}`);

  const [loss, count] = g.composite(LM_HEAD_CROSS_ENTROPY, [hidden, lmHead, labels], () => {
    const wide = accumulationDtype(dtype);
    const mask = Not(g, Equal(g, labels, ignoreIndex)); // [N] bool
    const target = Unsqueeze(g, Where(g, mask, labels, 0), [1]); // [N, 1]; ignored rows point at class 0 with weight 0
    const maskF = Cast(g, Unsqueeze(g, mask, [1]), { to: wide }); // [N, 1]
    const count = ReduceSum(g, maskF, { keepdims: 0 }); // []
    const weight = reduction === 'mean' ? Div(g, maskF, Max(g, count, 1)) : maskF; // [N, 1]

    const nlls: Tensor[] = [];
    const dhs: Tensor[] = [];
    let previous: Tensor | undefined; // t_{c-1}: a scalar that depends on everything chunk c-1 computed
    for (let start = 0; start < N; start += chunk) {
      const end = Math.min(start + chunk, N);
      const rows = (t: Tensor): Tensor => Slice(g, t, [start], [end], [0]);
      const h = previous ? Add(g, rows(hidden), Mul(g, asDtype(g, previous, hidden.dtype), 0)) : rows(hidden); // [n, H]
      const out = chunkLoss(g, h, lmHead, rows(target), rows(weight), gradient);
      nlls.push(out.weightedNll);
      if (out.dh) dhs.push(out.dh);
      const done = ReduceSum(g, out.weightedNll, { keepdims: 0 }); // []
      previous = out.dh ? Add(g, done, asDtype(g, ReduceMax(g, out.dh, { keepdims: 0 }), wide)) : done;
    }
    const loss = ReduceSum(g, nlls.length === 1 ? nlls[0]! : Concat(g, nlls, { axis: 0 }), { keepdims: 0 }); // []
    const saved: Record<string, Tensor> = dhs.length === 0 ? {} : { dhidden: dhs.length === 1 ? dhs[0]! : Concat(g, dhs, { axis: 0 }) }; // [N, H]
    return { outputs: [loss, count], saved };
  });
  return { loss: loss!, count: count! };
}

/** One chunk: weighted token losses [n, 1] and, when asked, dh [n, H] of their sum. */
function chunkLoss(g: Graph, h: Tensor, W: Tensor, target: Tensor, weight: Tensor, gradient: boolean): { weightedNll: Tensor; dh?: Tensor } {
  const wide = weight.dtype;
  const logits = Gemm(g, h, W, undefined, { transB: 1 }); // [n, V]
  const z = asDtype(g, logits, wide); // [n, V], widened when h is 16-bit
  const m = ReduceMax(g, z, { axes: [1] }); // [n, 1]
  const zTarget = GatherElements(g, z, target, { axis: 1 }); // [n, 1]
  // The shift waits for the gather (+ 0·zTarget), so the Sub is z's last reader and may overwrite it.
  const shift = Add(g, m, Mul(g, zTarget, 0)); // [n, 1]
  const e = Exp(g, Sub(g, z, shift)); // [n, V], max 0 per row: exp cannot overflow
  const sum = ReduceSum(g, e, { axes: [1] }); // [n, 1]
  const nll = Sub(g, Add(g, Log(g, sum), m), zTarget); // [n, 1] logsumexp - z[label]
  const weightedNll = Mul(g, nll, weight); // [n, 1]
  if (!gradient) return { weightedNll };
  // (softmax - onehot) ⊙ w, times W, without a scatter into a second [n, V] tensor:
  // (softmax ⊙ w) W - w ⊙ W[label]. The Mul is e's last reader and may overwrite it.
  const probsW = Mul(g, e, Div(g, weight, sum)); // [n, V] softmax ⊙ w
  const labelRows = Mul(g, Squeeze(g, Gather(g, W, target), [1]), asDtype(g, weight, W.dtype)); // [n, H] w ⊙ W[label]
  return { weightedNll, dh: Sub(g, MatMul(g, asDtype(g, probsW, h.dtype), W), labelRows) }; // [n, H]
}

/** The rule's body: dh scaled by the upstream gradient of the loss. */
export function lmHeadCrossEntropyGradient(g: Graph, saved: Readonly<Record<string, Tensor>>, dloss: Tensor, node: string): Tensor {
  const dh = saved.dhidden;
  if (!dh) throw new AutodiffError(LM_HEAD_CROSS_ENTROPY, node, 'built with gradient: false, so it has no gradient; build it with gradient: true');
  return Mul(g, dh, asDtype(g, dloss, dh.dtype));
}

/** x in `dtype`, through a Cast only when it differs. */
function asDtype(g: Graph, x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : Cast(g, x, { to: dtype });
}

/**
 * Tokens per chunk so that one [chunk, V] float32 tensor stays within `bytes`, balanced so the
 * chunks are as equal as possible (2048 tokens at 262 per chunk: eight chunks of 256, not 7 x 262 + 214).
 */
export function lmHeadChunkTokens(tokens: number, vocab: number, bytes = 32 * 2 ** 20): number {
  const most = Math.max(1, Math.min(tokens, Math.floor(bytes / (vocab * 4))));
  return Math.ceil(tokens / Math.ceil(tokens / most));
}
