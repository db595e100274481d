/**
 * Ops that move or re-view data without arithmetic: Reshape, Transpose, Slice, Concat, Split, Expand,
 * Unsqueeze, Squeeze, Pad, Trilu, plus Shape, ConstantOfShape and Range. Shape-like inputs are given as
 * numbers and emitted as int64 constants, so shapes are inferred when the graph is built.
 */
import { type Dim, type Shape as Dims, broadcastShapes, isStatic, normAxes, normAxis, shapeStr } from '../dims';
import type { DType } from '../element-types';
import { ShapeError } from '../errors';
import { type Graph, type TapeEntry, type Tensor, knownInts } from '../graph';
import { floatDtype, int64s, scalar } from './operand';

/** A dim as factors: 'B*T' (from an earlier Reshape) is B times T. */
function factors(d: Dim): { num: number; sym: string[] } {
  if (typeof d === 'number') return { num: d, sym: [] };
  const parts = d.split('*');
  const nums = parts.filter((p) => /^\d+$/.test(p)).map(Number);
  return { num: nums.reduce((a, b) => a * b, 1), sym: parts.filter((p) => !/^\d+$/.test(p)) };
}

function product(dims: readonly Dim[]): { num: number; sym: string[] } {
  const fs = dims.map(factors);
  return { num: fs.reduce((a, f) => a * f.num, 1), sym: fs.flatMap((f) => f.sym).sort() };
}

/** Reshape's output: 0 copies the input dim, -1 takes what is left (a product name like 'B*T' if symbolic). */
function reshapeShape(x: Dims, target: readonly Dim[], allowzero: number): Dim[] {
  const out = target.map((d, i) => (d === 0 && !allowzero ? x[i] : d));
  if (out.some((d) => d === undefined)) throw new ShapeError('Reshape', `0 copies a dim beyond rank ${x.length}`);
  const free = out.filter((d) => d === -1).length;
  if (free > 1) throw new ShapeError('Reshape', `more than one -1 in ${shapeStr(target)}`);
  const have = product(x);
  const fixed = product(out.filter((d): d is Dim => d !== -1));
  const left = [...have.sym];
  for (const s of fixed.sym) {
    const i = left.indexOf(s);
    if (i < 0) throw new ShapeError('Reshape', `cannot reshape ${shapeStr(x)} to ${shapeStr(target)}`);
    left.splice(i, 1);
  }
  const rest = fixed.num === 0 ? 0 : have.num / fixed.num;
  if (free === 0 ? left.length > 0 || rest !== 1 : !Number.isInteger(rest)) {
    throw new ShapeError('Reshape', `element counts differ: ${shapeStr(x)} to ${shapeStr(target)}`);
  }
  const inferred: Dim = left.length === 0 ? rest : [...(rest === 1 ? [] : [String(rest)]), ...left].join('*');
  return out.map((d) => (d === -1 ? inferred : d!));
}

/** Reshape to numbers (0 and -1 as in the spec), or to a shape tensor whose contents are known. */
export function Reshape(g: Graph, x: Tensor, shape: readonly number[] | Tensor, { allowzero = 0 } = {}): Tensor {
  const s = 'dtype' in shape ? shape : int64s(g, shape);
  if (!s.known) throw new ShapeError('Reshape', `target shape '${s.name}' is not known when the graph is built`);
  const out = reshapeShape(x.shape, s.known, allowzero);
  return g.emit('Reshape', [x, s], [{ dtype: x.dtype, shape: out }], { allowzero: { i: allowzero } })[0]!;
}

/** `perm` defaults to reversing the axes. */
export function Transpose(g: Graph, x: Tensor, { perm }: { perm?: readonly number[] } = {}): Tensor {
  const rank = x.shape.length;
  const p = perm ? normAxes('Transpose', perm, rank) : x.shape.map((_, i) => rank - 1 - i);
  if (p.length !== rank) throw new ShapeError('Transpose', `perm [${p.join(', ')}] for rank ${rank}`);
  return g.emit('Transpose', [x], [{ dtype: x.dtype, shape: p.map((i) => x.shape[i]!) }], { perm: { ints: p } })[0]!;
}

export interface SliceRange {
  axis: number;
  start: number;
  step: number;
  size: Dim;
}

/** Per sliced axis, where it starts and how many elements it keeps, clamped as the spec says. */
function sliceRanges(x: Dims, starts: number[], ends: number[], axes: number[], steps: number[]): SliceRange[] {
  return axes.map((axis, i) => {
    const step = steps[i]!;
    const dim = x[axis]!;
    const [start0, end0] = [starts[i]!, ends[i]!];
    if (step === 0) throw new ShapeError('Slice', 'step 0');
    if (typeof dim === 'string') {
      // A named dim can only be kept whole: start 0, step 1, end at or past the end.
      if (start0 === 0 && step === 1 && end0 >= 2 ** 31) return { axis, start: 0, step, size: dim };
      throw new ShapeError('Slice', `cannot slice named dim '${dim}' of ${shapeStr(x)} except whole`);
    }
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    const start = step > 0 ? clamp(start0, 0, dim) : clamp(start0, 0, dim - 1);
    const end = step > 0 ? clamp(end0, 0, dim) : clamp(end0, -1, dim - 1);
    return { axis, start, step, size: Math.max(0, Math.ceil((end - start) / step)) };
  });
}

/** Slice with numbers; use Number.MAX_SAFE_INTEGER for "to the end" (INT64_MAX does not survive a JS number). */
export function Slice(
  g: Graph,
  x: Tensor,
  starts: readonly number[],
  ends: readonly number[],
  axes?: readonly number[],
  steps?: readonly number[],
): Tensor {
  const ax = axes ?? starts.map((_, i) => i);
  if (ends.length !== starts.length || ax.length !== starts.length || (steps && steps.length !== starts.length)) {
    throw new ShapeError('Slice', 'starts, ends, axes and steps must have the same length');
  }
  const norm = normAxes('Slice', ax, x.shape.length);
  const ranges = sliceRanges(x.shape, [...starts], [...ends], norm, steps ? [...steps] : norm.map(() => 1));
  const shape = [...x.shape];
  for (const r of ranges) shape[r.axis] = r.size;
  const inputs = [x, int64s(g, starts), int64s(g, ends), int64s(g, ax), ...(steps ? [int64s(g, steps)] : [])];
  return g.emit('Slice', inputs, [{ dtype: x.dtype, shape }])[0]!;
}

/** The ranges a Slice node took (for its gradient rule). */
export function sliceRangesOf(e: TapeEntry): SliceRange[] {
  const [x, starts, ends, axes, steps] = e.inputs;
  const norm = normAxes('Slice', knownInts(axes!, 'Slice axes'), x!.shape.length);
  const st = steps ? knownInts(steps, 'Slice steps') : norm.map(() => 1);
  return sliceRanges(x!.shape, knownInts(starts!, 'Slice starts'), knownInts(ends!, 'Slice ends'), norm, st);
}

export function Concat(g: Graph, xs: readonly Tensor[], { axis }: { axis: number }): Tensor {
  const first = xs[0];
  if (!first) throw new ShapeError('Concat', 'needs at least one input');
  const a = normAxis('Concat', axis, first.shape.length);
  for (const x of xs) {
    if (x.dtype !== first.dtype || x.shape.length !== first.shape.length || x.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError('Concat', `inputs differ off axis ${axis}: ${xs.map((t) => `${shapeStr(t.shape)} ${t.dtype}`).join(', ')}`);
    }
  }
  const parts = xs.map((x) => x.shape[a]!);
  const nums = parts.filter((d) => typeof d === 'number').reduce((s, d) => s + d, 0);
  const syms = parts.filter((d) => typeof d === 'string');
  const dim: Dim = syms.length ? [...syms, ...(nums ? [String(nums)] : [])].join('+') : nums;
  const shape = first.shape.map((d, i) => (i === a ? dim : d));
  return g.emit('Concat', xs, [{ dtype: first.dtype, shape }], { axis: { i: axis } })[0]!;
}

/** Split into the given sizes, or into num_outputs chunks of ceil(dim / n) (opset 18). */
export function Split(
  g: Graph,
  x: Tensor,
  { axis = 0, split, num_outputs }: { axis?: number; split?: readonly number[]; num_outputs?: number },
): Tensor[] {
  const a = normAxis('Split', axis, x.shape.length);
  const dim = x.shape[a]!;
  if (typeof dim !== 'number') throw new ShapeError('Split', `cannot split named dim '${dim}'`);
  const chunk = num_outputs ? Math.ceil(dim / num_outputs) : 0;
  const sizes = split ?? Array.from({ length: num_outputs ?? 0 }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  if (sizes.length === 0 || sizes.reduce((s, d) => s + d, 0) !== dim) {
    throw new ShapeError('Split', `sizes [${sizes.join(', ')}] do not add up to dim ${dim} of ${shapeStr(x.shape)}`);
  }
  const outs = sizes.map((size) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === a ? size : d)) }));
  return g.emit('Split', [x, int64s(g, sizes)], outs, { axis: { i: axis } });
}

/** Broadcast x to `shape` (numpy rules: the result may be larger than `shape`); a shape tensor must be known. */
export function Expand(g: Graph, x: Tensor, shape: readonly number[] | Tensor): Tensor {
  const s = 'dtype' in shape ? shape : int64s(g, shape);
  if (!s.known) throw new ShapeError('Expand', `target shape '${s.name}' is not known when the graph is built`);
  const out = broadcastShapes('Expand', x.shape, s.known);
  return g.emit('Expand', [x, s], [{ dtype: x.dtype, shape: out }])[0]!;
}

/** Insert size-1 dims at `axes` (positions in the output). */
export function Unsqueeze(g: Graph, x: Tensor, axes: readonly number[]): Tensor {
  const rank = x.shape.length + axes.length;
  const at = normAxes('Unsqueeze', axes, rank);
  const rest = [...x.shape];
  const shape = Array.from({ length: rank }, (_, i) => (at.includes(i) ? 1 : rest.shift()!));
  return g.emit('Unsqueeze', [x, int64s(g, axes)], [{ dtype: x.dtype, shape }])[0]!;
}

/** Remove the size-1 dims at `axes` (given explicitly, so the result never depends on runtime sizes). */
export function Squeeze(g: Graph, x: Tensor, axes: readonly number[]): Tensor {
  const at = normAxes('Squeeze', axes, x.shape.length);
  if (at.some((i) => x.shape[i] !== 1)) throw new ShapeError('Squeeze', `axes [${axes.join(', ')}] of ${shapeStr(x.shape)} are not all 1`);
  const shape = x.shape.filter((_, i) => !at.includes(i));
  return g.emit('Squeeze', [x, int64s(g, axes)], [{ dtype: x.dtype, shape }])[0]!;
}

/** Constant-mode Pad; `pads` = [begin of each axis..., end of each axis...] over `axes` (default all). */
export function Pad(g: Graph, x: Tensor, pads: readonly number[], { value = 0, axes }: { value?: number; axes?: readonly number[] } = {}): Tensor {
  const ax = normAxes('Pad', axes ?? x.shape.map((_, i) => i), x.shape.length);
  if (pads.length !== 2 * ax.length) throw new ShapeError('Pad', `needs ${2 * ax.length} pads, got ${pads.length}`);
  const shape = [...x.shape];
  ax.forEach((a, i) => {
    const add = pads[i]! + pads[i + ax.length]!;
    const d = shape[a]!;
    if (add === 0) return;
    if (typeof d !== 'number' || d + add < 0) throw new ShapeError('Pad', `cannot pad dim ${d} by ${add}`);
    shape[a] = d + add;
  });
  const inputs = [x, int64s(g, pads), scalar(g, value, x.dtype), int64s(g, axes ?? ax)];
  return g.emit('Pad', inputs, [{ dtype: x.dtype, shape }], { mode: { s: 'constant' } })[0]!;
}

/** Keep the upper (or lower) triangle of the last two dims, from diagonal k. */
export function Trilu(g: Graph, x: Tensor, { upper = 1, k = 0 }: { upper?: 0 | 1; k?: number } = {}): Tensor {
  if (x.shape.length < 2) throw new ShapeError('Trilu', `needs rank >= 2, got ${shapeStr(x.shape)}`);
  const inputs = k === 0 ? [x] : [x, g.constant('int64', [], [k])];
  return g.emit('Trilu', inputs, [{ dtype: x.dtype, shape: x.shape }], { upper: { i: upper } })[0]!;
}

/** The runtime shape of x; its contents are known (possibly as names) when the graph is built. */
export function Shape(g: Graph, x: Tensor): Tensor {
  return g.emit('Shape', [x], [{ dtype: 'int64', shape: [x.shape.length], known: x.shape }])[0]!;
}

/** A tensor of `shape` (whose contents must be known) filled with `value`. */
export function ConstantOfShape(g: Graph, shape: Tensor, { value = 0, dtype = 'float32' }: { value?: number; dtype?: DType } = {}): Tensor {
  if (!shape.known) throw new ShapeError('ConstantOfShape', `shape '${shape.name}' is not known when the graph is built`);
  const attrs = { value: { t: { dtype, values: [value] } } };
  return g.emit('ConstantOfShape', [shape], [{ dtype, shape: shape.known }], attrs)[0]!;
}

/**
 * start, start + delta, ... up to but excluding limit, from int64 scalars. The length depends on
 * runtime values, so the caller states it: a number, or the name of the dim it equals (e.g. the
 * 'past' dim of a cache, for Range(0, past length)).
 */
export function Range(g: Graph, start: Tensor, limit: Tensor, delta: Tensor, { length }: { length: Dim }): Tensor {
  for (const t of [start, limit, delta]) {
    if (t.dtype !== 'int64' || t.shape.length !== 0) throw new ShapeError('Range', `start, limit and delta must be int64 scalars, got ${t.name}: ${t.dtype} ${shapeStr(t.shape)}`);
  }
  return g.emit('Range', [start, limit, delta], [{ dtype: 'int64', shape: [length] }])[0]!;
}

/** x's shape as a constant when static, else as a Shape node (for rules that restore a shape). */
export function shapeTensor(g: Graph, x: Tensor): Tensor {
  return isStatic(x.shape) ? int64s(g, x.shape) : Shape(g, x);
}

/** Zeros shaped like x, in x's dtype. */
export function zerosLike(g: Graph, x: Tensor): Tensor {
  return ConstantOfShape(g, shapeTensor(g, x), { value: 0, dtype: floatDtype('zerosLike', x) });
}
