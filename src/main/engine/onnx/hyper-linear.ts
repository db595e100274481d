/**
 * HyperAdapt linear (DESIGN.md section 1): y = a ⊙ ((x ⊙ b) W^T) + bias, W [out, in] frozen in
 * Hugging Face layout, a [out] and b [in] trained. diag(a) W diag(b) is never formed, and W is
 * never transposed: onnxruntime would constant-fold Transpose(W) into a second copy of the weight.
 * The generic autodiff then yields exactly
 *   da = Σ_tokens dy ⊙ h,  g = (dy ⊙ a) W (plain MatMul),  db = Σ_tokens g ⊙ x,  dx = g ⊙ b.
 * `linear` picks HyperAdapt or the plain frozen layer per module.
 */
import { shapeStr } from './dims';
import { ShapeError } from './errors';
import type { Graph, Tensor } from './graph';
import { Add, FusedMatMul, Gemm, Mul } from './ops';

/** x W^T for x [..., in] and W [out, in]: Gemm(transB) for 2-D x, FusedMatMul(transB) when batched. */
export function matmulWT(g: Graph, x: Tensor, W: Tensor): Tensor {
  if (W.shape.length !== 2 || x.shape[x.shape.length - 1] !== W.shape[1]) {
    throw new ShapeError('linear', `x ${shapeStr(x.shape)} does not match weight [out, in] = ${shapeStr(W.shape)}`);
  }
  return x.shape.length === 2 ? Gemm(g, x, W, undefined, { transB: 1 }) : FusedMatMul(g, x, W, { transB: 1 });
}

/** y = a ⊙ ((x ⊙ b) W^T) + bias.  x [..., in], W [out, in], a [out], b [in], bias [out] -> [..., out] */
export function hyperLinear(g: Graph, x: Tensor, W: Tensor, a: Tensor, b: Tensor, bias?: Tensor): Tensor {
  const [out, inp] = W.shape;
  if (a.shape.length !== 1 || a.shape[0] !== out || b.shape.length !== 1 || b.shape[0] !== inp) {
    throw new ShapeError('hyperLinear', `a ${shapeStr(a.shape)} and b ${shapeStr(b.shape)} must be [out] and [in] of W ${shapeStr(W.shape)}`);
  }
  const h = matmulWT(g, Mul(g, x, b), W); // [..., out]
  const y = Mul(g, h, a); // [..., out]
  return bias ? Add(g, y, bias) : y;
}

/** A linear layer's tensors: frozen weight [out, in] and bias [out], and the adapter vectors when it is adapted. */
export interface LinearParams {
  weight: Tensor;
  bias?: Tensor;
  adapter?: { a: Tensor; b: Tensor };
}

/** y = x W^T + bias, or its HyperAdapt form when the layer has adapter vectors. */
export function linear(g: Graph, x: Tensor, p: LinearParams): Tensor {
  if (p.adapter) return hyperLinear(g, x, p.weight, p.adapter.a, p.adapter.b, p.bias);
  const y = matmulWT(g, x, p.weight);
  return p.bias ? Add(g, y, p.bias) : y;
}
