/** RMSNorm with HF semantics (modeling_llama.py LlamaRMSNorm). */
import { accumulationDtype } from './element-types';
import { ShapeError } from './errors';
import type { Graph, Tensor } from './graph';
import { Add, Cast, Mul, Reciprocal, ReduceMean, Sqrt, floatDtype } from './ops';

/** HF LlamaRMSNorm: weight ⊙ (x * rsqrt(mean(x², -1) + eps)), the normalisation in float32 or wider. */
export function rmsNorm(g: Graph, x: Tensor, weight: Tensor, eps: number): Tensor {
  if (weight.dtype !== x.dtype) throw new ShapeError('rmsNorm', `weight is ${weight.dtype}, x is ${x.dtype}`);
  const wide = accumulationDtype(floatDtype('rmsNorm', x));
  const xf = wide === x.dtype ? x : Cast(g, x, { to: wide }); // [..., C]
  const meanSquare = ReduceMean(g, Mul(g, xf, xf), { axes: [-1], keepdims: 1 }); // [..., 1]
  const normed = Mul(g, xf, Reciprocal(g, Sqrt(g, Add(g, meanSquare, eps)))); // [..., C]
  return Mul(g, weight, wide === x.dtype ? normed : Cast(g, normed, { to: x.dtype }));
}
