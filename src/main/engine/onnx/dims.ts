/**
 * Shapes: dims are numbers or names ('B', 'T'); broadcasting follows numpy
 * (https://github.com/onnx/onnx/blob/main/docs/Broadcasting.md).
 */
import { ShapeError } from './errors';

export type Dim = number | string;
export type Shape = readonly Dim[];

export function isStatic(shape: Shape): shape is readonly number[] {
  return shape.every((d) => typeof d === 'number');
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Multidirectional broadcast. A named dim only meets itself or 1: 'B' vs 5 is refused, not guessed. */
export function broadcastShapes(op: string, ...shapes: Shape[]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1 || d === dim) continue;
      if (dim !== 1) {
        throw new ShapeError(op, `cannot broadcast ${shapes.map(shapeStr).join(' with ')} (dim ${dim} vs ${d})`);
      }
      dim = d;
    }
    out.push(dim);
  }
  return out;
}

/** An axis in [-rank, rank) made non-negative. */
export function normAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(op, `axis ${axis} out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

export function normAxes(op: string, axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => normAxis(op, a, rank));
  if (new Set(out).size !== out.length) throw new ShapeError(op, `repeated axis in [${axes.join(', ')}]`);
  return out;
}
