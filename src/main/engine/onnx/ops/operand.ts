/** Turning plain numbers into graph constants, so ops read `Mul(g, x, 0.5)` and `Slice(g, x, [0], [2])`. */
import { type DType, type FloatDType, isFloat } from '../element-types';
import { ShapeError } from '../errors';
import type { Graph, Tensor } from '../graph';

export type Operand = Tensor | number;

export function scalar(g: Graph, value: number, dtype: DType): Tensor {
  return g.constant(dtype, [], [value]);
}

/** A 1-D int64 constant (axes, shapes, starts, pads). */
export function int64s(g: Graph, values: readonly number[]): Tensor {
  return g.constant('int64', [values.length], values);
}

/** Both operands as tensors: a number becomes a scalar of the other operand's dtype. */
export function tensors(g: Graph, op: string, a: Operand, b: Operand): [Tensor, Tensor] {
  if (typeof a === 'number') {
    if (typeof b === 'number') throw new ShapeError(op, 'needs at least one tensor operand');
    return [scalar(g, a, b.dtype), b];
  }
  return [a, typeof b === 'number' ? scalar(g, b, a.dtype) : b];
}

export function sameDtype(op: string, ...ts: Tensor[]): void {
  const d = ts[0]!.dtype;
  for (const t of ts) {
    if (t.dtype !== d) throw new ShapeError(op, `dtype mismatch: ${ts.map((x) => `${x.name}: ${x.dtype}`).join(', ')}`);
  }
}

/** x's dtype, which must be a float type. */
export function floatDtype(op: string, x: Tensor): FloatDType {
  if (!isFloat(x.dtype)) throw new ShapeError(op, `needs a float tensor, got ${x.name}: ${x.dtype}`);
  return x.dtype;
}
