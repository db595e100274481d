/**
 * Matrix products: MatMul (numpy semantics), Gemm (2-D, transA/transB), and com.microsoft FusedMatMul
 * (MatMul with transposed operands). The last two let y = x W^T read W in place: onnxruntime would
 * constant-fold Transpose(W) into a second copy of the weight.
 */
import { type Dim, type Shape, broadcastShapes, sameShape, shapeStr } from '../dims';
import { ShapeError } from '../errors';
import type { Graph, Tensor } from '../graph';
import { sameDtype } from './operand';

export const MS_DOMAIN = 'com.microsoft';

function productShape(op: string, a: Shape, b: Shape): Dim[] {
  if (a.length === 0 || b.length === 0) throw new ShapeError(op, `scalars cannot be multiplied: ${shapeStr(a)} x ${shapeStr(b)}`);
  const a2 = a.length === 1 ? [1, a[0]!] : a; // 1-D operands are promoted, then the added dim dropped
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const [m, k] = a2.slice(-2);
  const [k2, n] = b2.slice(-2);
  if (k !== k2) throw new ShapeError(op, `inner dims differ: ${shapeStr(a)} x ${shapeStr(b)}`);
  const batch = broadcastShapes(op, a2.slice(0, -2), b2.slice(0, -2));
  return [...batch, ...(a.length === 1 ? [] : [m!]), ...(b.length === 1 ? [] : [n!])];
}

/** Swap the last two dims (what transA/transB do to an operand). */
function swapLast(shape: Shape): Dim[] {
  const s = [...shape];
  [s[s.length - 2], s[s.length - 1]] = [s[s.length - 1]!, s[s.length - 2]!];
  return s;
}

export function MatMul(g: Graph, a: Tensor, b: Tensor): Tensor {
  sameDtype('MatMul', a, b);
  return g.emit('MatMul', [a, b], [{ dtype: a.dtype, shape: productShape('MatMul', a.shape, b.shape) }])[0]!;
}

export interface GemmOptions {
  alpha?: number;
  beta?: number;
  transA?: 0 | 1;
  transB?: 0 | 1;
}

/** Y = alpha * op(A) op(B) + beta * C, A and B 2-D, C broadcast to [M, N]. */
export function Gemm(g: Graph, A: Tensor, B: Tensor, C?: Tensor, opts: GemmOptions = {}): Tensor {
  const { alpha = 1, beta = 1, transA = 0, transB = 0 } = opts;
  if (A.shape.length !== 2 || B.shape.length !== 2) {
    throw new ShapeError('Gemm', `needs 2-D A and B, got ${shapeStr(A.shape)} and ${shapeStr(B.shape)}`);
  }
  sameDtype('Gemm', A, B, ...(C ? [C] : []));
  const shape = productShape('Gemm', transA ? swapLast(A.shape) : A.shape, transB ? swapLast(B.shape) : B.shape);
  if (C && !sameShape(broadcastShapes('Gemm', C.shape, shape), shape)) {
    throw new ShapeError('Gemm', `C ${shapeStr(C.shape)} does not broadcast to ${shapeStr(shape)}`);
  }
  const attrs = { alpha: { f: alpha }, beta: { f: beta }, transA: { i: transA }, transB: { i: transB } };
  return g.emit('Gemm', C ? [A, B, C] : [A, B], [{ dtype: A.dtype, shape }], attrs)[0]!;
}

export interface FusedMatMulOptions {
  alpha?: number;
  transA?: 0 | 1;
  transB?: 0 | 1;
}

/** alpha * op(A) op(B) with numpy batch broadcasting; operands of rank >= 2. */
export function FusedMatMul(g: Graph, A: Tensor, B: Tensor, opts: FusedMatMulOptions = {}): Tensor {
  const { alpha = 1, transA = 0, transB = 0 } = opts;
  if (A.shape.length < 2 || B.shape.length < 2) {
    throw new ShapeError('FusedMatMul', `needs operands of rank >= 2, got ${shapeStr(A.shape)} and ${shapeStr(B.shape)}`);
  }
  sameDtype('FusedMatMul', A, B);
  const shape = productShape('FusedMatMul', transA ? swapLast(A.shape) : A.shape, transB ? swapLast(B.shape) : B.shape);
  const attrs = { alpha: { f: alpha }, transA: { i: transA }, transB: { i: transB } };
  return g.emit('FusedMatMul', [A, B], [{ dtype: A.dtype, shape }], attrs, MS_DOMAIN)[0]!;
}
