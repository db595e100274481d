/**
 * Reductions in opset 18 form (axes as an input, keepdims and noop_with_empty_axes attributes), and Softmax.
 */
import { type Dim, normAxes, normAxis } from '../dims';
import { type Graph, type TapeEntry, type Tensor, intAttr, knownInts } from '../graph';
import { floatDtype, int64s } from './operand';

export interface ReduceOptions {
  /** Omitted or empty: all axes (unless noop_with_empty_axes). */
  axes?: readonly number[];
  keepdims?: 0 | 1;
  noop_with_empty_axes?: 0 | 1;
}

function reduce(g: Graph, op: string, x: Tensor, opts: ReduceOptions): Tensor {
  const { axes = [], keepdims = 1, noop_with_empty_axes = 0 } = opts;
  const rank = x.shape.length;
  const all = x.shape.map((_, i) => i);
  const reduced = axes.length ? normAxes(op, axes, rank) : noop_with_empty_axes ? [] : all;
  const shape: Dim[] = [];
  x.shape.forEach((d, i) => {
    if (!reduced.includes(i)) shape.push(d);
    else if (keepdims) shape.push(1);
  });
  const inputs = axes.length ? [x, int64s(g, axes)] : [x];
  const attrs = { keepdims: { i: keepdims }, noop_with_empty_axes: { i: noop_with_empty_axes } };
  return g.emit(op, inputs, [{ dtype: x.dtype, shape }], attrs)[0]!;
}

export const ReduceSum = (g: Graph, x: Tensor, opts: ReduceOptions = {}): Tensor => reduce(g, 'ReduceSum', x, opts);
export const ReduceMean = (g: Graph, x: Tensor, opts: ReduceOptions = {}): Tensor => reduce(g, 'ReduceMean', x, opts);
export const ReduceMax = (g: Graph, x: Tensor, opts: ReduceOptions = {}): Tensor => reduce(g, 'ReduceMax', x, opts);

/** The axes a reduction node reduced, non-negative (for the gradient rules). */
export function reducedAxes(e: TapeEntry): number[] {
  const x = e.inputs[0]!;
  const axesInput = e.inputs[1];
  if (axesInput) return normAxes(e.op, knownInts(axesInput, `${e.name} axes`), x.shape.length);
  return intAttr(e, 'noop_with_empty_axes') ? [] : x.shape.map((_, i) => i);
}

/** Softmax along one axis (opset 13 semantics). */
export function Softmax(g: Graph, x: Tensor, { axis = -1 }: { axis?: number } = {}): Tensor {
  floatDtype('Softmax', x);
  normAxis('Softmax', axis, x.shape.length);
  return g.emit('Softmax', [x], [{ dtype: x.dtype, shape: x.shape }], { axis: { i: axis } })[0]!;
}
