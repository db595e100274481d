import { describe, test } from 'vitest';
import * as op from '../../../../../src/main/engine/onnx/ops';
import { gradcheck } from '../../helpers/gradcheck';

const x = (shape: number[]) => ({ name: 'x', shape });

describe('reductions (float64 finite differences)', () => {
  test('ReduceSum over axis 1, keepdims 0 and 1, and over all axes', async () => {
    await gradcheck({
      inputs: [x([2, 3, 4])],
      build: (g, { x }) => [
        op.ReduceSum(g, x!, { axes: [1], keepdims: 0 }),
        op.ReduceSum(g, x!, { axes: [-1], keepdims: 1 }),
        op.ReduceSum(g, x!, { keepdims: 0 }),
      ],
    });
  });
  test('ReduceMean over axes [0, 2], keepdims 0', async () => {
    await gradcheck({ inputs: [x([2, 3, 4])], build: (g, { x }) => op.ReduceMean(g, x!, { axes: [0, 2], keepdims: 0 }) });
  });
  test('ReduceSum with noop_with_empty_axes is the identity', async () => {
    await gradcheck({ inputs: [x([2, 3])], build: (g, { x }) => op.ReduceSum(g, x!, { noop_with_empty_axes: 1 }) });
  });
  test('ReduceMax over axis -1, keepdims 0 (distinct values: no ties)', async () => {
    await gradcheck({ inputs: [x([3, 5])], build: (g, { x }) => op.ReduceMax(g, x!, { axes: [-1], keepdims: 0 }) });
  });
  test('Softmax along the last axis and along axis 0', async () => {
    await gradcheck({
      inputs: [x([3, 4])],
      build: (g, { x }) => [op.Softmax(g, x!), op.Softmax(g, x!, { axis: 0 })],
    });
  });
});
