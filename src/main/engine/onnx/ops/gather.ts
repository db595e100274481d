/** Indexing: Gather and GatherElements, and their scatter counterparts (used by the gradient rules). */
import { normAxis, sameShape, shapeStr } from '../dims';
import { ShapeError } from '../errors';
import type { Graph, Tensor } from '../graph';

function checkIndices(op: string, indices: Tensor): void {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    throw new ShapeError(op, `indices must be int64 or int32, got ${indices.name}: ${indices.dtype}`);
  }
}

/** data[..., indices, ...] along `axis`: out = data[:axis] + indices.shape + data[axis+1:]. */
export function Gather(g: Graph, data: Tensor, indices: Tensor, { axis = 0 }: { axis?: number } = {}): Tensor {
  checkIndices('Gather', indices);
  const a = normAxis('Gather', axis, data.shape.length);
  const shape = [...data.shape.slice(0, a), ...indices.shape, ...data.shape.slice(a + 1)];
  return g.emit('Gather', [data, indices], [{ dtype: data.dtype, shape }], { axis: { i: axis } })[0]!;
}

/** out[i][j] = data[indices[i][j]][j] (for axis 0); out has the shape of indices. */
export function GatherElements(g: Graph, data: Tensor, indices: Tensor, { axis = 0 }: { axis?: number } = {}): Tensor {
  checkIndices('GatherElements', indices);
  normAxis('GatherElements', axis, data.shape.length);
  if (indices.shape.length !== data.shape.length) {
    throw new ShapeError('GatherElements', `indices ${shapeStr(indices.shape)} and data ${shapeStr(data.shape)} differ in rank`);
  }
  return g.emit('GatherElements', [data, indices], [{ dtype: data.dtype, shape: indices.shape }], { axis: { i: axis } })[0]!;
}

export type ScatterReduction = 'none' | 'add' | 'mul' | 'max' | 'min';

/** A copy of data with updates written (or reduced) at the index tuples in the last dim of indices. */
export function ScatterND(
  g: Graph,
  data: Tensor,
  indices: Tensor,
  updates: Tensor,
  { reduction = 'none' }: { reduction?: ScatterReduction } = {},
): Tensor {
  checkIndices('ScatterND', indices);
  const k = indices.shape[indices.shape.length - 1];
  if (typeof k !== 'number' || k > data.shape.length) {
    throw new ShapeError('ScatterND', `last dim of indices ${shapeStr(indices.shape)} must be a number <= rank of ${shapeStr(data.shape)}`);
  }
  const expected = [...indices.shape.slice(0, -1), ...data.shape.slice(k)];
  if (!sameShape(expected, updates.shape)) {
    throw new ShapeError('ScatterND', `updates ${shapeStr(updates.shape)}, expected ${shapeStr(expected)}`);
  }
  const attrs = { reduction: { s: reduction } };
  return g.emit('ScatterND', [data, indices, updates], [{ dtype: data.dtype, shape: data.shape }], attrs)[0]!;
}

/** The inverse of GatherElements: data with updates written (or reduced) at indices along axis. */
export function ScatterElements(
  g: Graph,
  data: Tensor,
  indices: Tensor,
  updates: Tensor,
  { axis = 0, reduction = 'none' }: { axis?: number; reduction?: ScatterReduction } = {},
): Tensor {
  checkIndices('ScatterElements', indices);
  normAxis('ScatterElements', axis, data.shape.length);
  if (!sameShape(indices.shape, updates.shape) || indices.shape.length !== data.shape.length) {
    throw new ShapeError(
      'ScatterElements',
      `indices ${shapeStr(indices.shape)} and updates ${shapeStr(updates.shape)} must match, with the rank of ${shapeStr(data.shape)}`,
    );
  }
  const attrs = { axis: { i: axis }, reduction: { s: reduction } };
  return g.emit('ScatterElements', [data, indices, updates], [{ dtype: data.dtype, shape: data.shape }], attrs)[0]!;
}
