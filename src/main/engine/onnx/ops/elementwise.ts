/**
 * Elementwise ops (https://onnx.ai/onnx/operators/): arithmetic and math with numpy broadcasting,
 * comparisons and logic (bool results), Where, Cast, Identity.
 */
import { broadcastShapes } from '../dims';
import { type DType, ONNX_DTYPE } from '../element-types';
import { ShapeError } from '../errors';
import type { Graph, Tensor } from '../graph';
import { type Operand, floatDtype, sameDtype, tensors } from './operand';

function binary(g: Graph, op: string, a: Operand, b: Operand, out?: DType): Tensor {
  const [ta, tb] = tensors(g, op, a, b);
  sameDtype(op, ta, tb);
  return g.emit(op, [ta, tb], [{ dtype: out ?? ta.dtype, shape: broadcastShapes(op, ta.shape, tb.shape) }])[0]!;
}

function unaryFloat(g: Graph, op: string, x: Tensor): Tensor {
  floatDtype(op, x);
  return g.emit(op, [x], [{ dtype: x.dtype, shape: x.shape }])[0]!;
}

export const Add = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Add', a, b);
export const Sub = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Sub', a, b);
export const Mul = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Mul', a, b);
export const Div = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Div', a, b);
/** Elementwise maximum. No gradient rule: its subgradient at ties is a choice we have not needed. */
export const Max = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Max', a, b);
export const Min = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Min', a, b);

/** x ** y; the exponent may be an integer tensor (ONNX Pow's T1). */
export function Pow(g: Graph, x: Tensor, y: Operand): Tensor {
  const ty = typeof y === 'number' ? tensors(g, 'Pow', x, y)[1] : y;
  return g.emit('Pow', [x, ty], [{ dtype: x.dtype, shape: broadcastShapes('Pow', x.shape, ty.shape) }])[0]!;
}

export const Neg = (g: Graph, x: Tensor): Tensor => unaryFloat(g, 'Neg', x);
export const Sqrt = (g: Graph, x: Tensor): Tensor => unaryFloat(g, 'Sqrt', x);
export const Reciprocal = (g: Graph, x: Tensor): Tensor => unaryFloat(g, 'Reciprocal', x);
export const Exp = (g: Graph, x: Tensor): Tensor => unaryFloat(g, 'Exp', x);
export const Log = (g: Graph, x: Tensor): Tensor => unaryFloat(g, 'Log', x);
export const Tanh = (g: Graph, x: Tensor): Tensor => unaryFloat(g, 'Tanh', x);
export const Sigmoid = (g: Graph, x: Tensor): Tensor => unaryFloat(g, 'Sigmoid', x);
/** No float64 kernel in onnxruntime's CPU provider: build Erf in float32. */
export const Erf = (g: Graph, x: Tensor): Tensor => unaryFloat(g, 'Erf', x);
export const Sin = (g: Graph, x: Tensor): Tensor => unaryFloat(g, 'Sin', x);
export const Cos = (g: Graph, x: Tensor): Tensor => unaryFloat(g, 'Cos', x);

export function Identity(g: Graph, x: Tensor): Tensor {
  return g.emit('Identity', [x], [{ dtype: x.dtype, shape: x.shape }])[0]!;
}

export function Cast(g: Graph, x: Tensor, { to }: { to: DType }): Tensor {
  return g.emit('Cast', [x], [{ dtype: to, shape: x.shape }], { to: { i: ONNX_DTYPE[to] } })[0]!;
}

/** Order comparisons are defined on numbers only (not bool). */
function compare(g: Graph, op: string, a: Operand, b: Operand): Tensor {
  const [ta, tb] = tensors(g, op, a, b);
  if (ta.dtype === 'bool') throw new ShapeError(op, `needs numeric operands, got bool '${ta.name}'`);
  return binary(g, op, ta, tb, 'bool');
}

export const Equal = (g: Graph, a: Operand, b: Operand): Tensor => binary(g, 'Equal', a, b, 'bool');
export const Less = (g: Graph, a: Operand, b: Operand): Tensor => compare(g, 'Less', a, b);
export const LessOrEqual = (g: Graph, a: Operand, b: Operand): Tensor => compare(g, 'LessOrEqual', a, b);
export const Greater = (g: Graph, a: Operand, b: Operand): Tensor => compare(g, 'Greater', a, b);

export function Not(g: Graph, x: Tensor): Tensor {
  if (x.dtype !== 'bool') throw new ShapeError('Not', `needs a bool tensor, got ${x.name}: ${x.dtype}`);
  return g.emit('Not', [x], [{ dtype: 'bool', shape: x.shape }])[0]!;
}

export function And(g: Graph, a: Tensor, b: Tensor): Tensor {
  if (a.dtype !== 'bool' || b.dtype !== 'bool') throw new ShapeError('And', `needs bool tensors, got ${a.dtype}, ${b.dtype}`);
  return binary(g, 'And', a, b);
}

/** cond ? x : y, all three broadcast together; a number takes the other branch's dtype. */
export function Where(g: Graph, cond: Tensor, x: Operand, y: Operand): Tensor {
  if (cond.dtype !== 'bool') throw new ShapeError('Where', `condition must be bool, got ${cond.name}: ${cond.dtype}`);
  const [tx, ty] = tensors(g, 'Where', x, y);
  sameDtype('Where', tx, ty);
  const shape = broadcastShapes('Where', cond.shape, tx.shape, ty.shape);
  return g.emit('Where', [cond, tx, ty], [{ dtype: tx.dtype, shape }])[0]!;
}
