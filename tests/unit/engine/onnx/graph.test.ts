import { describe, expect, test } from 'vitest';
import { GraphError, ShapeError } from '../../../../src/main/engine/onnx/errors';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';

describe('node names follow module paths', () => {
  test('scopes nest with dots, repeated ops get _1, _2', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2, 2]);
    g.scope('model.layers.0', () =>
      g.scope('self_attn', () => {
        op.MatMul(g, x, x);
        op.MatMul(g, x, x);
        op.MatMul(g, x, x);
      }),
    );
    op.MatMul(g, x, x);
    expect(g.nodes.map((n) => n.name)).toEqual([
      'model.layers.0.self_attn/MatMul',
      'model.layers.0.self_attn/MatMul_1',
      'model.layers.0.self_attn/MatMul_2',
      'MatMul',
    ]);
    expect(g.nodes[1]!.outputs[0]!.name).toBe('model.layers.0.self_attn/MatMul_1:0');
  });

  test('every op is recorded on the tape, a composite as one entry', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [3]);
    const [y] = g.composite('Double', [x], () => ({ outputs: [op.Add(g, x, x)], saved: {} }));
    op.Neg(g, y!);
    expect(g.tape.map((e) => [e.op, e.name])).toEqual([
      ['Double', 'Double'],
      ['Neg', 'Neg'],
    ]);
    expect(g.nodes.map((n) => n.name)).toEqual(['Double/Add', 'Neg']);
  });
});

describe('shapes are inferred when the graph is built', () => {
  test('numpy broadcasting, named dims meeting themselves or 1', () => {
    const g = new Graph();
    expect(op.Add(g, g.input('a', 'float32', [3, 1, 4]), g.input('b', 'float32', [5, 1])).shape).toEqual([3, 5, 4]);
    expect(op.Mul(g, g.input('c', 'float32', ['B', 1, 4]), g.input('d', 'float32', [1, 'T', 1])).shape).toEqual(['B', 'T', 4]);
    expect(() => op.Add(g, g.input('e', 'float32', ['B', 4]), g.input('f', 'float32', [5, 4]))).toThrow(ShapeError);
    expect(() => op.Add(g, g.input('h', 'float32', [2, 3]), g.input('i', 'float32', [4, 3]))).toThrow(/cannot broadcast \[2, 3\] with \[4, 3\]/);
  });

  test('matrix products and reductions', () => {
    const g = new Graph();
    const a = g.input('a', 'float32', ['B', 3, 4]);
    expect(op.MatMul(g, a, g.input('b', 'float32', [4, 5])).shape).toEqual(['B', 3, 5]);
    expect(op.FusedMatMul(g, a, g.input('w', 'float32', [6, 4]), { transB: 1 }).shape).toEqual(['B', 3, 6]);
    expect(op.Gemm(g, g.input('m', 'float32', [4, 2]), g.input('n', 'float32', [4, 7]), undefined, { transA: 1 }).shape).toEqual([2, 7]);
    expect(() => op.MatMul(g, a, g.input('c', 'float32', [5, 5]))).toThrow(/inner dims differ/);
    expect(op.ReduceSum(g, a, { axes: [1], keepdims: 0 }).shape).toEqual(['B', 4]);
    expect(op.ReduceMean(g, a, { axes: [-1] }).shape).toEqual(['B', 3, 1]);
    expect(op.ReduceMax(g, a, { keepdims: 0 }).shape).toEqual([]);
  });

  test('comparisons give bool, Where needs a bool condition, dtypes must agree', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [3]);
    expect(op.Less(g, x, 0).dtype).toBe('bool');
    expect(() => op.Where(g, x, x, x)).toThrow(/condition must be bool/);
    expect(() => op.Add(g, x, g.input('y', 'float64', [3]))).toThrow(/dtype mismatch/);
    expect(op.Mul(g, x, 2).dtype).toBe('float32');
  });
});

describe('the builder refuses mistakes early', () => {
  test('duplicate names and tensors from another graph', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    expect(() => g.input('x', 'float32', [2])).toThrow(/duplicate tensor name 'x'/);
    g.output(x, 'y');
    expect(() => g.output(x, 'y')).toThrow(/duplicate graph output 'y'/);
    const other = new Graph().input('z', 'float32', [2]);
    expect(() => op.Add(g, x, other)).toThrow(/belongs to another graph/);
  });

  test('external data must stay inside the model directory and match the byte size exactly', () => {
    const g = new Graph();
    const spec = (location: string, offset: number, length: number) =>
      ({ shape: [2, 3], stored: 'float16', dtype: 'float32', external: { location, offset, length } }) as const;
    expect(() => g.initializer('a', spec('../w.safetensors', 8, 12))).toThrow(/relative path inside the model directory/);
    expect(() => g.initializer('b', spec('/abs/w.safetensors', 8, 12))).toThrow(GraphError);
    expect(() => g.initializer('c', spec('C:\\w.safetensors', 8, 12))).toThrow(GraphError);
    expect(() => g.initializer('d', spec('w.safetensors', -1, 12))).toThrow(/offset -1/);
    expect(() => g.initializer('e', spec('w.safetensors', 8, 24))).toThrow(/length 24 bytes, expected 12/);
    expect(g.initializer('f', spec('sub/w.safetensors', 9, 12)).dtype).toBe('float32');
  });

  test('embedded data must match its dtype and shape', () => {
    const g = new Graph();
    expect(() => g.initializer('a', { shape: [2], stored: 'float32', data: new Float64Array(2) })).toThrow(/cannot hold float32/);
    expect(() => g.initializer('b', { shape: [3], stored: 'float32', data: new Float32Array(2) })).toThrow(/needs 3 values, got 2/);
    expect(() => g.constant('float32', [2, 2], [1, 2, 3])).toThrow(/needs 4 values/);
  });
});
