import { describe, expect, test } from 'vitest';
import { grad } from '../../../../../src/main/engine/onnx/autodiff';
import { Graph } from '../../../../../src/main/engine/onnx/graph';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { gradcheck } from '../../helpers/gradcheck';
import { session, tensor, values } from '../../helpers/session';

const f = (name: string, shape: number[]) => ({ name, shape });

describe('movement ops (float64 finite differences)', () => {
  test('Reshape with 0 and -1', async () => {
    await gradcheck({ inputs: [f('x', [2, 3, 4])], build: (g, { x }) => op.Reshape(g, x!, [0, -1, 2]) });
  });
  test('Transpose [0, 2, 1] and the default reversal', async () => {
    await gradcheck({
      inputs: [f('x', [2, 3, 4])],
      build: (g, { x }) => [op.Transpose(g, x!, { perm: [0, 2, 1] }), op.Transpose(g, x!)],
    });
  });
  test('Slice with negative starts, a subset of axes, and "to the end"', async () => {
    await gradcheck({
      inputs: [f('x', [4, 5, 3])],
      build: (g, { x }) => [op.Slice(g, x!, [1, -3], [3, Number.MAX_SAFE_INTEGER], [0, 1]), op.Slice(g, x!, [1], [2], [-1])],
    });
  });
  test('Concat along axis 1 of three inputs', async () => {
    await gradcheck({
      inputs: [f('a', [2, 1, 3]), f('b', [2, 4, 3]), f('c', [2, 2, 3])],
      build: (g, { a, b, c }) => op.Concat(g, [a!, b!, c!], { axis: 1 }),
    });
  });
  test('Split by sizes and by num_outputs; an unused output gives zeros', async () => {
    await gradcheck({
      inputs: [f('x', [2, 7])],
      build: (g, { x }) => {
        const [p, , r] = op.Split(g, x!, { axis: 1, split: [2, 4, 1] });
        const halves = op.Split(g, x!, { axis: -1, num_outputs: 2 }); // sizes 4 and 3
        return [p!, r!, halves[1]!];
      },
    });
  });
  test('Expand [3,1] to [2,3,4]', async () => {
    await gradcheck({ inputs: [f('x', [3, 1])], build: (g, { x }) => op.Expand(g, x!, [2, 3, 4]) });
  });
  test('Unsqueeze and Squeeze', async () => {
    await gradcheck({
      inputs: [f('x', [3, 1, 2])],
      build: (g, { x }) => [op.Unsqueeze(g, x!, [0, -1]), op.Squeeze(g, x!, [1])],
    });
  });
  test('Pad (constant) on chosen axes', async () => {
    await gradcheck({ inputs: [f('x', [2, 3])], build: (g, { x }) => op.Pad(g, x!, [1, 0, 2, 1], { axes: [0, 1], value: 0.5 }) });
  });
  test('Trilu upper and lower with a diagonal offset', async () => {
    await gradcheck({
      inputs: [f('x', [2, 3, 3])],
      build: (g, { x }) => [op.Trilu(g, x!), op.Trilu(g, x!, { upper: 0, k: -1 })],
    });
  });
  test('Shape and ConstantOfShape are on the path but carry no gradient', async () => {
    const r = await gradcheck({
      inputs: [{ name: 'x', shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }],
      build: (g, { x }) => op.Mul(g, x!, op.ConstantOfShape(g, op.Shape(g, x!), { value: 2, dtype: 'float64' })),
    });
    expect(r.grads.x).toHaveLength(6);
  });
});

describe('movement shape inference and limits', () => {
  test('Reshape of named dims names the product', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', ['B', 'T', 8]);
    expect(op.Reshape(g, x, [-1, 8]).shape).toEqual(['B*T', 8]);
    expect(op.Reshape(g, x, [0, 0, 2, 4]).shape).toEqual(['B', 'T', 2, 4]);
    expect(op.Reshape(g, x, [0, -1]).shape).toEqual(['B', '8*T']);
    expect(() => op.Reshape(g, x, [3, -1])).toThrow(/element counts differ/);
    expect(() => op.Reshape(g, x, op.Shape(g, g.input('c', 'float32', ['C'])))).toThrow(/cannot reshape/);
    expect(() => op.Reshape(g, g.input('y', 'float32', [2, 3]), [4, 2])).toThrow(/element counts differ/);
  });
  test('named dims pass through whole slices and concatenation, and cannot be split', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', ['T', 5]);
    expect(op.Slice(g, x, [0, 1], [Number.MAX_SAFE_INTEGER, 3]).shape).toEqual(['T', 2]);
    expect(() => op.Slice(g, x, [1], [Number.MAX_SAFE_INTEGER])).toThrow(/cannot slice named dim 'T'/);
    expect(op.Concat(g, [x, g.input('y', 'float32', [2, 5])], { axis: 0 }).shape).toEqual(['T+2', 5]);
    expect(() => op.Split(g, x, { axis: 0, num_outputs: 2 })).toThrow(/cannot split named dim 'T'/);
  });

  test('Range takes the length it is told (a named dim), and runs to limit exclusive', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [1, 'P', 2]);
    const P = op.Gather(g, op.Shape(g, x), g.constant('int64', [], [1])); // int64 []
    const start = g.constant('int64', [], [3]);
    const r = op.Range(g, start, op.Add(g, start, P), g.constant('int64', [], [1]), { length: 'P' });
    expect(r.shape).toEqual(['P']);
    expect(() => op.Range(g, P, x, P, { length: 'P' })).toThrow(/int64 scalars/);
    g.output(r, 'r');
    const out = await (await session(g)).run({ x: tensor('float32', [1, 4, 2], new Array<number>(8).fill(0)) });
    expect(values(out.r!)).toEqual([3, 4, 5, 6]);
  });
  test('Slice clamps as the spec does', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [5]);
    expect(op.Slice(g, x, [-10], [100]).shape).toEqual([5]);
    expect(op.Slice(g, x, [4], [1]).shape).toEqual([0]);
    expect(op.Slice(g, x, [4], [-10], [0], [-2]).shape).toEqual([3]);
  });
  test('the gradient of a strided Slice is refused with a clear error', () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [6]);
    const y = op.ReduceSum(g, op.Slice(g, x, [0], [6], [0], [2]), { keepdims: 0 });
    expect(() => grad(g, y, [x])).toThrow(/Slice supports step 1 only/);
  });
});
