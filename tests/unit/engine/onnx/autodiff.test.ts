import { describe, expect, test } from 'vitest';
import { grad } from '../../../../src/main/engine/onnx/autodiff';
import { AutodiffError } from '../../../../src/main/engine/onnx/errors';
import { RULES } from '../../../../src/main/engine/onnx/gradients';
import { Graph, type Tensor } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';
import { gradcheck, worstMismatch, FLOAT64_TOL } from '../helpers/gradcheck';
import { session, tensor, values } from '../helpers/session';

/** Build, differentiate, run once: the loss and each gradient as plain numbers. */
async function evaluate(
  inputs: Record<string, { shape: (number | string)[]; dims?: number[]; values: number[] }>,
  build: (g: Graph, x: Record<string, Tensor>) => { loss: Tensor; wrt: string[] },
): Promise<Record<string, number[]>> {
  const g = new Graph();
  const xs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, g.input(k, 'float64', v.shape)]));
  const { loss, wrt } = build(g, xs);
  const grads = grad(g, loss, wrt.map((w) => xs[w]!));
  g.output(loss, 'loss');
  wrt.forEach((w, i) => g.output(grads[i]!, `d_${w}`));
  const s = await session(g);
  const feeds = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tensor('float64', v.dims ?? (v.shape as number[]), v.values)]));
  const out = await s.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, values(t)]));
}

describe('hand-computed gradients', () => {
  test('broadcast add: x [3,1] + y [1,4], loss = sum -> dx = [[4],[4],[4]], dy = [[3,3,3,3]]', async () => {
    const r = await evaluate({ x: { shape: [3, 1], values: [1, 2, 3] }, y: { shape: [1, 4], values: [0, 0, 0, 0] } }, (g, { x, y }) => ({
      loss: op.ReduceSum(g, op.Add(g, x!, y!), { keepdims: 0 }),
      wrt: ['x', 'y'],
    }));
    expect(r.d_x).toEqual([4, 4, 4]);
    expect(r.d_y).toEqual([3, 3, 3, 3]);
  });

  test('fan-in is summed: loss = sum(x*x + x) -> dx = 2x + 1', async () => {
    const r = await evaluate({ x: { shape: [3], values: [1, -2, 0.5] } }, (g, { x }) => ({
      loss: op.ReduceSum(g, op.Add(g, op.Mul(g, x!, x!), x!), { keepdims: 0 }),
      wrt: ['x'],
    }));
    expect(r.d_x).toEqual([3, -3, 2]);
  });

  test('mean: d mean(x) / dx = 1/n', async () => {
    const r = await evaluate({ x: { shape: [2, 2], values: [5, 6, 7, 8] } }, (g, { x }) => ({
      loss: op.ReduceMean(g, x!, { keepdims: 0 }),
      wrt: ['x'],
    }));
    expect(r.d_x).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  test('ReduceMax shares the gradient between tied maxima', async () => {
    const r = await evaluate({ x: { shape: [2, 3], values: [1, 3, 3, 5, 2, 4] } }, (g, { x }) => ({
      loss: op.ReduceSum(g, op.ReduceMax(g, x!, { axes: [1], keepdims: 0 }), { keepdims: 0 }),
      wrt: ['x'],
    }));
    expect(r.d_x).toEqual([0, 0.5, 0.5, 1, 0, 0]);
  });

  test('named dims: x [B, 2] + bias [2] runs for B = 3 and sums the bias gradient over B', async () => {
    const r = await evaluate(
      { x: { shape: ['B', 2], dims: [3, 2], values: [1, 2, 3, 4, 5, 6] }, bias: { shape: [2], values: [0, 0] } },
      (g, { x, bias }) => ({ loss: op.ReduceSum(g, op.Mul(g, op.Add(g, x!, bias!), x!), { keepdims: 0 }), wrt: ['x', 'bias'] }),
    );
    expect(r.d_bias).toEqual([1 + 3 + 5, 2 + 4 + 6]);
    expect(r.d_x).toEqual([2, 4, 6, 8, 10, 12]);
  });

  test('the gradient with respect to an intermediate tensor', async () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [2]);
    const h = op.Mul(g, x, 3);
    const loss = op.ReduceSum(g, op.Mul(g, h, h), { keepdims: 0 });
    const [dh, dx] = grad(g, loss, [h, x]);
    g.output(dh!, 'dh');
    g.output(dx!, 'dx');
    const out = await (await session(g)).run({ x: tensor('float64', [2], [1, 2]) });
    expect(values(out.dh!)).toEqual([6, 12]); // 2h
    expect(values(out.dx!)).toEqual([18, 36]); // 2h * 3
  });
});

describe('the walker', () => {
  test('emits backward nodes only on paths from wrt to the loss', () => {
    const g = new Graph();
    const [a, b, c] = ['a', 'b', 'c'].map((n) => g.input(n, 'float64', [3]));
    const left = g.scope('left', () => op.ReduceSum(g, op.Mul(g, a!, c!), { keepdims: 0 }));
    const right = g.scope('right', () => op.ReduceSum(g, op.Mul(g, b!, c!), { keepdims: 0 }));
    const loss = op.Add(g, left, right);
    const before = g.nodes.length;
    grad(g, loss, [a!]);
    const backward = g.nodes.slice(before).map((n) => n.name);
    expect(backward.some((n) => n.startsWith('left/'))).toBe(true);
    expect(backward.filter((n) => n.startsWith('right/'))).toEqual([]);
    // d loss/d a = c: a Mul by c, and nothing computing d loss/d c.
    expect(g.nodes.slice(before).filter((n) => n.op === 'Mul').map((n) => n.inputs[1]!.name)).toEqual(['c']);
  });

  test('a non-scalar loss needs a seed', async () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [2]);
    const y = op.Mul(g, x, x);
    expect(() => grad(g, y, [x])).toThrow(/pass a seed/);
    const [dx] = grad(g, y, [x], { seed: g.constant('float64', [2], [1, 10]) });
    g.output(dx!, 'dx');
    const out = await (await session(g)).run({ x: tensor('float64', [2], [3, 4]) });
    expect(values(out.dx!)).toEqual([6, 80]);
  });

  test('a rule returning the wrong shape is caught where it is used', () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [2, 3]);
    const loss = op.ReduceSum(g, op.Neg(g, x), { keepdims: 0 });
    const neg = RULES.Neg!;
    RULES.Neg = ({ g: gg, dy }) => [() => op.ReduceSum(gg, dy, { axes: [0], keepdims: 0 })];
    try {
      expect(() => grad(g, loss, [x])).toThrow(AutodiffError);
      expect(() => grad(g, loss, [x])).toThrow(/does not reduce to input 'x' \[2, 3\]/);
    } finally {
      RULES.Neg = neg;
    }
  });
});

describe('the gradient check itself can fail', () => {
  test('a wrong rule (exp without its factor) is reported as a mismatch', async () => {
    const exp = RULES.Exp!;
    RULES.Exp = ({ dy }) => [() => dy];
    try {
      await expect(gradcheck({ inputs: [{ name: 'x', shape: [3] }], build: (g, { x }) => op.Exp(g, x!) })).rejects.toThrow(
        /gradient mismatch for 'x'/,
      );
    } finally {
      RULES.Exp = exp;
    }
  });
  test('a NaN gradient is reported as a mismatch, not passed', async () => {
    const exp = RULES.Exp!;
    RULES.Exp = ({ g, dy, y: [ex] }) => [() => op.Mul(g, dy, op.Log(g, op.Neg(g, ex!)))];
    try {
      await expect(gradcheck({ inputs: [{ name: 'x', shape: [3] }], build: (g, { x }) => op.Exp(g, x!) })).rejects.toThrow(/analytic NaN/);
    } finally {
      RULES.Exp = exp;
    }
  });
  test('worstMismatch finds the worst element', () => {
    const w = worstMismatch('x', [1, 2, 3], [1, 2.5, 3], FLOAT64_TOL);
    expect(w.index).toBe(1);
    expect(w.ratio).toBeGreaterThan(1);
    expect(worstMismatch('x', [1, NaN], [1, 1], FLOAT64_TOL).index).toBe(1);
  });
});
