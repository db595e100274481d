/**
 * Masked cross-entropy over the vocabulary, as one tape entry whose gradient is written directly:
 *   loss = Σ_n mask_n · (logsumexp(z_n) - z_n[label_n]) / max(count, 1),   count = Σ_n mask_n
 *   dz   = (softmax(z) - onehot(label)) · mask / max(count, 1)
 * Labels equal to ignoreIndex (HF's -100) are not supervised. Clamping the count keeps an all-ignored
 * batch at loss 0 instead of 0/0. Labels are taken as already aligned with the logits (shift them first).
 */
import { accumulationDtype, isFloat } from './element-types';
import { ShapeError } from './errors';
import type { Graph, Tensor } from './graph';
import {
  Cast,
  Div,
  Equal,
  Exp,
  GatherElements,
  Log,
  Max,
  Mul,
  Not,
  ReduceMax,
  ReduceSum,
  Reshape,
  Sub,
  Unsqueeze,
  Where,
} from './ops';

/** The tape op whose rule (in gradients.ts) is the fused softmax - onehot form. */
export const MASKED_CROSS_ENTROPY = 'MaskedCrossEntropy';

export interface CrossEntropy {
  /** Mean negative log-likelihood over supervised tokens; scalar of the compute dtype. */
  loss: Tensor;
  /** Number of supervised tokens (before clamping), scalar of the compute dtype; it carries no gradient. */
  count: Tensor;
}

/** logits [N, V] or [B, T, V] (float), labels [N] or [B, T] (int64). */
export function maskedCrossEntropy(g: Graph, logits: Tensor, labels: Tensor, { ignoreIndex = -100 } = {}): CrossEntropy {
  const V = logits.shape[logits.shape.length - 1];
  if (!isFloat(logits.dtype) || typeof V !== 'number') {
    throw new ShapeError(MASKED_CROSS_ENTROPY, `logits must be float with a numeric vocabulary dim, got ${logits.dtype} [${logits.shape.join(', ')}]`);
  }
  if (labels.dtype !== 'int64' || labels.shape.length !== logits.shape.length - 1) {
    throw new ShapeError(MASKED_CROSS_ENTROPY, `labels must be int64 of rank ${logits.shape.length - 1}, got ${labels.dtype} [${labels.shape.join(', ')}]`);
  }
  // The loss stays in float32 or wider even when the logits are 16-bit (DESIGN.md section 3).
  const dtype = accumulationDtype(logits.dtype);
  const wide = logits.dtype === dtype ? logits : Cast(g, logits, { to: dtype });
  const z = wide.shape.length === 2 ? wide : Reshape(g, wide, [-1, V]); // [N, V]
  const l = labels.shape.length === 1 ? labels : Reshape(g, labels, [-1]); // [N]
  const [loss, count] = g.composite(MASKED_CROSS_ENTROPY, [z, l], () => {
    const mask = Not(g, Equal(g, l, ignoreIndex)); // [N] bool
    const target = Unsqueeze(g, Where(g, mask, l, 0), [1]); // [N, 1]; ignored rows point at class 0 with weight 0
    const s = Sub(g, z, ReduceMax(g, z, { axes: [1] })); // [N, V], max 0 per row: exp cannot overflow
    const e = Exp(g, s);
    const sum = ReduceSum(g, e, { axes: [1] }); // [N, 1]
    const probs = Div(g, e, sum); // [N, V] softmax, saved for the backward
    const nll = Sub(g, Log(g, sum), GatherElements(g, s, target, { axis: 1 })); // [N, 1]
    const maskF = Cast(g, Unsqueeze(g, mask, [1]), { to: dtype }); // [N, 1]
    const count = ReduceSum(g, maskF, { keepdims: 0 }); // []
    const weight = Div(g, maskF, Max(g, count, 1)); // [N, 1] mask / max(count, 1)
    const loss = ReduceSum(g, Mul(g, nll, weight), { keepdims: 0 }); // []
    return { outputs: [loss, count], saved: { probs, weight, target } };
  });
  return { loss: loss!, count: count! };
}
