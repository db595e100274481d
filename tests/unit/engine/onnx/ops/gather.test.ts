import { describe, expect, test } from 'vitest';
import { grad } from '../../../../../src/main/engine/onnx/autodiff';
import { Graph } from '../../../../../src/main/engine/onnx/graph';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { gradcheck } from '../../helpers/gradcheck';

describe('indexing (float64 finite differences)', () => {
  test('Gather along axis 0 with repeated indices accumulates into the data gradient', async () => {
    const r = await gradcheck({
      inputs: [
        { name: 'table', shape: [4, 3] },
        { name: 'ids', shape: [2, 3], dtype: 'int64', values: [1, 3, 1, 0, 1, 3] },
      ],
      build: (g, { table, ids }) => op.Gather(g, table!, ids!),
    });
    expect(r.grads.table!.slice(6, 9)).toEqual([0, 0, 0]); // row 2 is never gathered
  });
  test('GatherElements along axis 1 with repeated indices', async () => {
    await gradcheck({
      inputs: [
        { name: 'x', shape: [3, 4] },
        { name: 'i', shape: [3, 2], dtype: 'int64', values: [0, 0, 3, 1, 2, 2] },
      ],
      build: (g, { x, i }) => op.GatherElements(g, x!, i!, { axis: 1 }),
    });
  });
  test('the gradient of Gather along axis 1 to its data is refused with a clear error', () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [3, 4]);
    const i = g.input('i', 'int64', [2]);
    const y = op.ReduceSum(g, op.Gather(g, x, i, { axis: 1 }), { keepdims: 0 });
    expect(() => grad(g, y, [x])).toThrow(/Gather to its data supports axis 0 only/);
  });
  test('indices carry no gradient: asking for one says so', () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [3, 4]);
    const i = g.input('i', 'int64', [2]);
    const y = op.ReduceSum(g, op.Gather(g, x, i), { keepdims: 0 });
    expect(() => grad(g, y, [i])).toThrow(/no gradient reaches 'i'/);
  });
});
