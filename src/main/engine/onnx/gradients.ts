/**
 * Vector-Jacobian rules, one row per op: given the output gradients, each row returns one entry per
 * input, a thunk building that input's gradient, or null where there is none (integer, index and
 * shape inputs, comparisons). Thunks run only for inputs on a path from `wrt` to the loss, so nothing
 * is emitted for frozen weights. A rule may return a gradient in the broadcast shape of the output:
 * autodiff.ts reduces it to the input's shape in one place. Only standard ONNX ops (and FusedMatMul)
 * are emitted: onnxruntime ships none of the com.microsoft *Grad ops.
 */
import { MASKED_CROSS_ENTROPY } from './cross-entropy';
import { LM_HEAD_CROSS_ENTROPY, lmHeadCrossEntropyGradient } from './lm-head-loss';
import { normAxes } from './dims';
import { isFloat } from './element-types';
import { AutodiffError } from './errors';
import { type Graph, type TapeEntry, type Tensor, floatAttr, intAttr, intsAttr, knownInts } from './graph';
import {
  Cast,
  Concat,
  Cos,
  Div,
  Equal,
  Exp,
  Expand,
  FusedMatMul,
  Gemm,
  Log,
  MatMul,
  Mul,
  Neg,
  Pad,
  Pow,
  ReduceSum,
  Reshape,
  ScatterElements,
  ScatterND,
  Sin,
  Slice,
  Squeeze,
  Sub,
  Transpose,
  Trilu,
  Unsqueeze,
  Where,
  reducedAxes,
  shapeTensor,
  sliceRangesOf,
  zerosLike,
} from './ops';

export interface VjpContext {
  readonly g: Graph;
  readonly e: TapeEntry;
  readonly x: readonly Tensor[];
  readonly y: readonly Tensor[];
  /** Gradients of all outputs (null where an output does not reach the loss). */
  readonly dys: readonly (Tensor | null)[];
  /** Gradient of the first output. */
  readonly dy: Tensor;
}

export type InputGrad = (() => Tensor) | null;
export type Vjp = (c: VjpContext) => InputGrad[];

const none = (n: number): null[] => Array.from({ length: n }, () => null);
const noGradient: Vjp = ({ x }) => none(x.length);

/** alpha · op(a) op(b) as the plainest op that does it: MatMul, else Gemm (2-D), else FusedMatMul. */
function mm(g: Graph, a: Tensor, b: Tensor, transA: 0 | 1, transB: 0 | 1, alpha: number): Tensor {
  if (!transA && !transB && alpha === 1) return MatMul(g, a, b);
  if (a.shape.length === 2 && b.shape.length === 2) return Gemm(g, a, b, undefined, { alpha, transA, transB });
  return FusedMatMul(g, a, b, { alpha, transA, transB });
}

/**
 * Y = alpha · op(A) op(B): dA = alpha · dY op(B)^T (transposed back if transA), dB likewise.
 * For y = x W^T (transB = 1) dx is the plain MatMul dy W: W is read as stored, never transposed.
 */
function productGrads(g: Graph, dy: Tensor, A: Tensor, B: Tensor, ta: 0 | 1, tb: 0 | 1, alpha: number): InputGrad[] {
  return [
    () => (ta ? mm(g, B, dy, tb, 1, alpha) : mm(g, dy, B, 0, tb ? 0 : 1, alpha)),
    () => (tb ? mm(g, dy, A, 1, ta, alpha) : mm(g, A, dy, ta ? 0 : 1, 0, alpha)),
  ];
}

const bit = (e: TapeEntry, key: string): 0 | 1 => (intAttr(e, key) ? 1 : 0);

/** dy of a reduction spread back over the reduced axes: [.., 1, ..] then Expand to x. */
function unreduce(g: Graph, e: TapeEntry, d: Tensor): Tensor {
  const x = e.inputs[0]!;
  const axes = reducedAxes(e);
  const kept = intAttr(e, 'keepdims') || axes.length === 0 ? d : Unsqueeze(g, d, axes);
  return Expand(g, kept, shapeTensor(g, x));
}

function reducedCount(e: TapeEntry): number {
  const x = e.inputs[0]!;
  return reducedAxes(e).reduce((n, a) => {
    const d = x.shape[a];
    if (typeof d !== 'number') throw new AutodiffError(e.op, e.name, `ReduceMean over named dim '${d}'`);
    return n * d;
  }, 1);
}

export const RULES: Record<string, Vjp> = {
  // Arithmetic (broadcast gradients are reduced centrally).
  Add: ({ dy }) => [() => dy, () => dy],
  Sub: ({ g, dy }) => [() => dy, () => Neg(g, dy)],
  Mul: ({ g, dy, x: [a, b] }) => [() => Mul(g, dy, b!), () => Mul(g, dy, a!)],
  Div: ({ g, dy, x: [, b], y: [q] }) => [() => Div(g, dy, b!), () => Neg(g, Mul(g, dy, Div(g, q!, b!)))],
  Neg: ({ g, dy }) => [() => Neg(g, dy)],
  Identity: ({ dy }) => [() => dy],
  // d(x^p)/dx = p x^(p-1); d/dp = x^p log x (only for a float exponent).
  Pow: ({ g, dy, x: [x, p], y: [out] }) => [
    () => Mul(g, dy, Mul(g, isFloat(p!.dtype) ? p! : Cast(g, p!, { to: x!.dtype }), Pow(g, x!, Sub(g, p!, 1)))),
    isFloat(p!.dtype) ? () => Mul(g, dy, Mul(g, out!, Log(g, x!))) : null,
  ],

  // Unary math, written with the forward output where that is cheaper, and with dy in the first
  // product: a factor of forward tensors alone, such as 1 - s, is run by onnxruntime's order as
  // soon as s exists and held until the backward (for SwiGLU's sigmoid, one [B, T, I] per layer).
  Sqrt: ({ g, dy, y: [r] }) => [() => Div(g, Mul(g, dy, 0.5), r!)],
  Reciprocal: ({ g, dy, y: [r] }) => [() => Neg(g, Mul(g, Mul(g, dy, r!), r!))],
  Exp: ({ g, dy, y: [ex] }) => [() => Mul(g, dy, ex!)],
  Log: ({ g, dy, x: [x] }) => [() => Div(g, dy, x!)],
  Tanh: ({ g, dy, y: [t] }) => [() => Sub(g, dy, Mul(g, Mul(g, dy, t!), t!))], // dy (1 - t²)
  Sigmoid: ({ g, dy, y: [s] }) => [
    () => {
      const ds = Mul(g, dy, s!);
      return Sub(g, ds, Mul(g, ds, s!)); // dy s (1 - s)
    },
  ],
  Erf: ({ g, dy, x: [x] }) => [() => Mul(g, dy, Mul(g, Exp(g, Neg(g, Mul(g, x!, x!))), 2 / Math.sqrt(Math.PI)))],
  Sin: ({ g, dy, x: [x] }) => [() => Mul(g, dy, Cos(g, x!))],
  Cos: ({ g, dy, x: [x] }) => [() => Neg(g, Mul(g, dy, Sin(g, x!)))],
  Cast: ({ g, dy, x: [x], y: [out] }) => [isFloat(x!.dtype) && isFloat(out!.dtype) ? () => Cast(g, dy, { to: x!.dtype }) : null],

  // Selection and comparison: the condition and comparisons carry no gradient.
  Where: ({ g, dy, x: [cond] }) => [null, () => Where(g, cond!, dy, 0), () => Where(g, cond!, 0, dy)],
  Equal: noGradient,
  Less: noGradient,
  LessOrEqual: noGradient,
  Greater: noGradient,
  Not: noGradient,
  And: noGradient,
  Shape: noGradient,
  ConstantOfShape: noGradient,

  // Products.
  MatMul: ({ g, e, dy, x: [a, b] }) => {
    if (a!.shape.length < 2 || b!.shape.length < 2) {
      throw new AutodiffError(e.op, e.name, 'gradient of MatMul with a 1-D operand is not supported: Unsqueeze it to 2-D');
    }
    return productGrads(g, dy, a!, b!, 0, 0, 1);
  },
  Gemm: ({ g, e, dy, x: [A, B, C] }) => {
    const beta = floatAttr(e, 'beta');
    const dAB = productGrads(g, dy, A!, B!, bit(e, 'transA'), bit(e, 'transB'), floatAttr(e, 'alpha'));
    return C ? [...dAB, () => (beta === 1 ? dy : Mul(g, dy, beta))] : dAB;
  },
  FusedMatMul: ({ g, e, dy, x: [A, B] }) => productGrads(g, dy, A!, B!, bit(e, 'transA'), bit(e, 'transB'), floatAttr(e, 'alpha')),

  // Reductions and softmax.
  ReduceSum: ({ g, e, dy, x }) => [() => unreduce(g, e, dy), ...none(x.length - 1)],
  ReduceMean: ({ g, e, dy, x }) => [() => Div(g, unreduce(g, e, dy), reducedCount(e)), ...none(x.length - 1)],
  // Ties share the gradient equally.
  ReduceMax: ({ g, e, dy, x, y: [m] }) => [
    () => {
      const axes = reducedAxes(e);
      const keep = (t: Tensor): Tensor => (intAttr(e, 'keepdims') || axes.length === 0 ? t : Unsqueeze(g, t, axes));
      const hit = Cast(g, Equal(g, x[0]!, keep(m!)), { to: x[0]!.dtype });
      return Mul(g, hit, Div(g, keep(dy), ReduceSum(g, hit, { axes, keepdims: 1 })));
    },
    ...none(x.length - 1),
  ],
  // dx = y ⊙ (dy - Σ_axis dy ⊙ y)
  Softmax: ({ g, e, dy, y: [s] }) => [
    () => Mul(g, s!, Sub(g, dy, ReduceSum(g, Mul(g, dy, s!), { axes: [intAttr(e, 'axis')], keepdims: 1 }))),
  ],

  // Movement: each undoes itself; shape-like inputs carry no gradient.
  Reshape: ({ g, dy, x: [x] }) => [() => Reshape(g, dy, shapeTensor(g, x!)), null],
  Expand: ({ dy }) => [() => dy, null],
  Transpose: ({ g, e, dy }) => {
    const perm = intsAttr(e, 'perm');
    return [() => Transpose(g, dy, { perm: perm.map((_, i) => perm.indexOf(i)) })];
  },
  Unsqueeze: ({ g, dy, x: [, axes] }) => [() => Squeeze(g, dy, knownInts(axes!, 'Unsqueeze axes')), null],
  Squeeze: ({ g, dy, x: [, axes] }) => [() => Unsqueeze(g, dy, knownInts(axes!, 'Squeeze axes')), null],
  Slice: ({ g, e, dy, x }) => [
    () => {
      const ranges = sliceRangesOf(e);
      if (ranges.some((r) => r.step !== 1)) throw new AutodiffError(e.op, e.name, 'gradient of Slice supports step 1 only');
      // Whole named dims pad by 0 on both sides.
      const after = ranges.map((r) => (r.size === x[0]!.shape[r.axis] ? 0 : (x[0]!.shape[r.axis] as number) - r.start - (r.size as number)));
      return Pad(g, dy, [...ranges.map((r) => r.start), ...after], { axes: ranges.map((r) => r.axis) });
    },
    ...none(x.length - 1),
  ],
  Pad: ({ g, e, dy, x }) => [
    () => {
      const data = x[0]!;
      const pads = knownInts(x[1]!, 'Pad pads');
      const axes = normAxes('Pad', knownInts(x[3]!, 'Pad axes'), data.shape.length);
      const ends = axes.map((a, i) => {
        const d = data.shape[a];
        if (typeof d !== 'number') throw new AutodiffError(e.op, e.name, `gradient of Pad along named dim '${d}'`);
        return pads[i]! + d;
      });
      return Slice(g, dy, pads.slice(0, axes.length), ends, axes);
    },
    ...none(x.length - 1),
  ],
  Concat: ({ g, e, dy, x }) => {
    const axis = intAttr(e, 'axis');
    let offset = 0;
    return x.map((t) => {
      const size = t.shape[normAxes('Concat', [axis], t.shape.length)[0]!];
      if (typeof size !== 'number') throw new AutodiffError(e.op, e.name, `gradient of Concat along named dim '${size}'`);
      const start = offset;
      offset += size;
      return () => Slice(g, dy, [start], [start + size], [axis]);
    });
  },
  // Outputs that do not reach the loss contribute zeros.
  Split: ({ g, e, dys, y }) => [() => Concat(g, y.map((o, i) => dys[i] ?? zerosLike(g, o)), { axis: intAttr(e, 'axis') }), null],
  Trilu: ({ g, e, dy, x: [, k] }) => [
    () => Trilu(g, dy, { upper: bit(e, 'upper'), k: k ? knownInts(k, 'Trilu k')[0]! : 0 }),
    ...(k ? [null] : []),
  ],

  // Indexing: gradients scatter back with accumulation (an index may repeat); indices carry none.
  Gather: ({ g, e, dy, x: [data, indices] }) => [
    () => {
      if (intAttr(e, 'axis') !== 0) throw new AutodiffError(e.op, e.name, 'gradient of Gather to its data supports axis 0 only');
      return ScatterND(g, zerosLike(g, data!), Unsqueeze(g, indices!, [-1]), dy, { reduction: 'add' });
    },
    null,
  ],
  GatherElements: ({ g, e, dy, x: [data, indices] }) => [
    () => ScatterElements(g, zerosLike(g, data!), indices!, dy, { axis: intAttr(e, 'axis'), reduction: 'add' }),
    null,
  ],

  // dz = (softmax(z) - onehot) · mask / max(count, 1) · dloss, with the onehot subtracted by a scatter.
  // The count output is piecewise constant in z: its gradient is zero.
  [MASKED_CROSS_ENTROPY]: ({ g, e, dys: [dloss] }) => {
    if (!dloss) return [null, null];
    const { probs, weight, target } = e.saved!;
    return [
      () => {
        const w = Mul(g, weight!, dloss); // [N, 1]
        return ScatterElements(g, Mul(g, probs!, w), target!, Neg(g, w), { axis: 1, reduction: 'add' });
      },
      null,
    ];
  },

  // dh was computed chunk by chunk in the forward (lm-head-loss.ts); here it is only scaled by dloss.
  // The head weight is frozen and labels are indices: neither has a gradient.
  [LM_HEAD_CROSS_ENTROPY]: ({ g, e, dys: [dloss] }) => {
    if (!dloss) return [null, null, null];
    return [
      () => lmHeadCrossEntropyGradient(g, e.saved!, dloss, e.name),
      () => {
        throw new AutodiffError(e.op, e.name, 'the output head weight is frozen: this loss computes no gradient for it');
      },
      null,
    ];
  },
};
