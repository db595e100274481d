import { describe, expect, test } from 'vitest';
import { grad } from '../../../../../src/main/engine/onnx/autodiff';
import { AutodiffError } from '../../../../../src/main/engine/onnx/errors';
import { Graph } from '../../../../../src/main/engine/onnx/graph';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { gradcheck } from '../../helpers/gradcheck';

const f = (name: string, shape: number[], range?: [number, number]) => ({ name, shape, ...(range ? { range } : {}) });

describe('binary ops with broadcasting (float64 finite differences)', () => {
  test('Add [3,1,4] + [5,1]', async () => {
    await gradcheck({ inputs: [f('a', [3, 1, 4]), f('b', [5, 1])], build: (g, { a, b }) => op.Add(g, a!, b!) });
  });
  test('Sub [2,3] - [3]', async () => {
    await gradcheck({ inputs: [f('a', [2, 3]), f('b', [3])], build: (g, { a, b }) => op.Sub(g, a!, b!) });
  });
  test('Mul [4,1] * [1,3]', async () => {
    await gradcheck({ inputs: [f('a', [4, 1]), f('b', [1, 3])], build: (g, { a, b }) => op.Mul(g, a!, b!) });
  });
  test('Div [2,3] / [2,1]', async () => {
    await gradcheck({ inputs: [f('a', [2, 3]), f('b', [2, 1], [0.5, 2])], build: (g, { a, b }) => op.Div(g, a!, b!) });
  });
  test('Pow with a float tensor exponent, broadcast', async () => {
    await gradcheck({ inputs: [f('x', [2, 3], [0.5, 2]), f('p', [3], [-1.5, 2.5])], build: (g, { x, p }) => op.Pow(g, x!, p!) });
  });
  test('Pow with a number and with an int64 exponent', async () => {
    await gradcheck({
      inputs: [f('x', [2, 3], [-2, 2]), { name: 'p', shape: [2, 3], dtype: 'int64', values: [1, 2, 3, 2, 3, 4] }],
      build: (g, { x, p }) => [op.Pow(g, x!, 3), op.Pow(g, x!, p!)],
    });
  });
});

describe('unary ops (float64 finite differences)', () => {
  const cases: [string, (g: Graph, x: ReturnType<Graph['input']>) => ReturnType<Graph['input']>, [number, number]][] = [
    ['Neg', op.Neg, [-1, 1]],
    ['Sqrt', op.Sqrt, [0.3, 2]],
    ['Reciprocal', op.Reciprocal, [0.5, 2]],
    ['Exp', op.Exp, [-1, 1]],
    ['Log', op.Log, [0.3, 2]],
    ['Tanh', op.Tanh, [-2, 2]],
    ['Sigmoid', op.Sigmoid, [-3, 3]],
    ['Sin', op.Sin, [-3, 3]],
    ['Cos', op.Cos, [-3, 3]],
    ['Identity', op.Identity, [-1, 1]],
  ];
  test.each(cases)('%s', async (_, fn, range) => {
    await gradcheck({ inputs: [f('x', [2, 4], range)], build: (g, { x }) => fn(g, x!) });
  });

  test('Erf (no float64 kernel: float32, eps 1e-2, tolerance 2e-3 + 2e-3·|g|)', async () => {
    await gradcheck({ dtype: 'float32', inputs: [f('x', [2, 4], [-2, 2])], build: (g, { x }) => op.Erf(g, x!) });
  });

  test('Cast float64 -> float32 -> float64 passes the gradient through (float32 rounding: tolerance 1e-5)', async () => {
    await gradcheck({
      inputs: [f('x', [3, 2])],
      build: (g, { x }) => op.Cast(g, op.Cast(g, x!, { to: 'float32' }), { to: 'float64' }),
      tol: { eps: 1e-2, rtol: 1e-5, atol: 1e-5 },
    });
  });
});

describe('selection and comparison', () => {
  test('Where: gradients to both branches, broadcast [3,1] cond with [3,4] and [4]', async () => {
    await gradcheck({
      inputs: [{ ...f('c', [3, 1]), wrt: false }, f('x', [3, 4]), f('y', [4])],
      build: (g, { c, x, y }) => op.Where(g, op.Greater(g, c!, 0), x!, y!),
    });
  });

  test('a comparison on the path contributes no gradient (relu as Where(x > 0, x, 0))', async () => {
    const r = await gradcheck({
      inputs: [{ name: 'x', shape: [5], values: [-2, -0.5, 0.25, 1, 3] }],
      build: (g, { x }) => op.Where(g, op.Greater(g, x!, 0), x!, 0),
    });
    expect(r.grads.x!.slice(0, 2)).toEqual([0, 0]);
  });

  test('Less, LessOrEqual, Equal, Not and And have explicit no-gradient rules', async () => {
    await gradcheck({
      inputs: [f('x', [4]), f('y', [4])],
      build: (g, { x, y }) => {
        const m = op.And(g, op.Not(g, op.Equal(g, x!, y!)), op.And(g, op.Less(g, x!, 0.5), op.LessOrEqual(g, y!, 0.2)));
        return op.Where(g, m, op.Mul(g, x!, y!), y!);
      },
    });
  });

  test('an input reached only through a comparison has no gradient, and grad says so', () => {
    const g = new Graph();
    const c = g.input('c', 'float64', [3]);
    const x = g.input('x', 'float64', [3]);
    const y = op.ReduceSum(g, op.Where(g, op.Greater(g, c, 0), x, 0), { keepdims: 0 });
    expect(grad(g, y, [x])).toHaveLength(1);
    expect(() => grad(g, y, [c])).toThrow(/no gradient reaches 'c'/);
  });

  test('Max has no rule: grad names the op and the node', () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [3]);
    const y = g.scope('model.clamp', () => op.ReduceSum(g, op.Max(g, x, 0), { keepdims: 0 }));
    expect(() => grad(g, y, [x])).toThrow(AutodiffError);
    expect(() => grad(g, y, [x])).toThrow(/no gradient rule for Max.*model\.clamp\/Max/);
  });
});
