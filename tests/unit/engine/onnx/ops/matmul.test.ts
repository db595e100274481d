import { describe, expect, test } from 'vitest';
import { grad } from '../../../../../src/main/engine/onnx/autodiff';
import { Graph } from '../../../../../src/main/engine/onnx/graph';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { gradcheck } from '../../helpers/gradcheck';

const f = (name: string, shape: number[]) => ({ name, shape });

describe('MatMul (float64 finite differences)', () => {
  test('[2,3] @ [3,4]', async () => {
    await gradcheck({ inputs: [f('a', [2, 3]), f('b', [3, 4])], build: (g, { a, b }) => op.MatMul(g, a!, b!) });
  });
  test('batch broadcast [2,1,3,4] @ [5,4,2]', async () => {
    await gradcheck({ inputs: [f('a', [2, 1, 3, 4]), f('b', [5, 4, 2])], build: (g, { a, b }) => op.MatMul(g, a!, b!) });
  });
  test('a 1-D operand has no gradient rule and says how to fix it', () => {
    const g = new Graph();
    const a = g.input('a', 'float64', [3]);
    const b = g.input('b', 'float64', [3, 2]);
    const y = op.ReduceSum(g, op.MatMul(g, a, b), { keepdims: 0 });
    expect(() => grad(g, y, [a])).toThrow(/1-D operand.*Unsqueeze/);
  });
});

describe('Gemm (float64 finite differences)', () => {
  const shapes = { '00': [[2, 3], [3, 4]], '01': [[2, 3], [4, 3]], '10': [[3, 2], [3, 4]], '11': [[3, 2], [4, 3]] } as const;
  test.each([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ] as const)('transA=%i transB=%i with alpha, beta and a broadcast C [4]', async (transA, transB) => {
    const [sa, sb] = shapes[`${transA}${transB}`];
    await gradcheck({
      inputs: [f('A', [...sa]), f('B', [...sb]), f('C', [4])],
      build: (g, { A, B, C }) => op.Gemm(g, A!, B!, C!, { alpha: 0.7, beta: 1.3, transA, transB }),
    });
  });
  test('without C, and C of shape [2,1]', async () => {
    await gradcheck({
      inputs: [f('A', [2, 3]), f('B', [4, 3]), f('C', [2, 1])],
      build: (g, { A, B, C }) => [op.Gemm(g, A!, B!, undefined, { transB: 1 }), op.Gemm(g, A!, B!, C!, { transB: 1 })],
    });
  });
});

describe('com.microsoft FusedMatMul (float64 finite differences)', () => {
  test.each([
    [0, 0, [2, 3, 4], [4, 5]],
    [0, 1, [2, 3, 4], [5, 4]],
    [1, 0, [2, 4, 3], [4, 5]],
    [1, 1, [2, 4, 3], [2, 5, 4]],
  ] as const)('transA=%i transB=%i, batched, alpha 0.5', async (transA, transB, sa, sb) => {
    await gradcheck({
      inputs: [f('A', [...sa]), f('B', [...sb])],
      build: (g, { A, B }) => op.FusedMatMul(g, A!, B!, { alpha: 0.5, transA, transB }),
    });
  });
});
