import { onnx } from 'onnx-proto';
import { describe, expect, test } from 'vitest';
import { grad } from '../../../../src/main/engine/onnx/autodiff';
import { Graph, type Tensor } from '../../../../src/main/engine/onnx/graph';
import { hyperLinear } from '../../../../src/main/engine/onnx/hyper-linear';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { gradcheck } from '../helpers/gradcheck';
import { rng, uniform } from '../helpers/random';

const OUT = 5;
const IN = 4;
const next = rng(3);
const Wv = uniform(next, OUT * IN);
const weight = (g: Graph): Tensor => g.initializer('model.proj.weight', { shape: [OUT, IN], stored: 'float64', data: Float64Array.from(Wv) });
const params = [
  { name: 'a', shape: [OUT], range: [0.5, 1.5] as [number, number] },
  { name: 'b', shape: [IN], range: [0.5, 1.5] as [number, number] },
  { name: 'bias', shape: [OUT] },
];

describe('hyperLinear y = a ⊙ ((x ⊙ b) W^T) + bias', () => {
  test.each([
    ['2-D x (Gemm transB)', [3, IN]],
    ['3-D x (FusedMatMul transB)', [2, 3, IN]],
  ])('%s: gradients to a, b, x and bias match finite differences (float64)', async (_, xShape) => {
    await gradcheck({
      inputs: [{ name: 'x', shape: xShape }, ...params],
      build: (g, { x, a, b, bias }) => hyperLinear(g, x!, weight(g), a!, b!, bias!),
    });
  });

  test('equals x W_merged^T + bias with W_merged[i, j] = a[i] W[i, j] b[j] (merging is exact)', async () => {
    const draw = rng(11);
    const x = uniform(draw, 2 * 3 * IN);
    const a = uniform(draw, OUT, 0.5, 1.5);
    const b = uniform(draw, IN, 0.5, 1.5);
    const bias = uniform(draw, OUT);
    const r = await gradcheck({
      inputs: [
        { name: 'x', shape: [2, 3, IN], values: x },
        { name: 'a', shape: [OUT], values: a },
        { name: 'b', shape: [IN], values: b },
        { name: 'bias', shape: [OUT], values: bias },
      ],
      build: (g, { x, a, b, bias }) => hyperLinear(g, x!, weight(g), a!, b!, bias!),
    });
    const merged = Wv.map((w, k) => a[Math.floor(k / IN)]! * w * b[k % IN]!);
    const y = Array.from({ length: 6 * OUT }, (_, k) => {
      const [t, i] = [Math.floor(k / OUT), k % OUT];
      return bias[i]! + merged.slice(i * IN, (i + 1) * IN).reduce((s, w, j) => s + w * x[t * IN + j]!, 0);
    });
    r.outputs[0]!.forEach((v, k) => expect(v).toBeCloseTo(y[k]!, 12));
  });

  test.each([
    [[2, 3, IN], 'FusedMatMul'],
    [[6, IN], 'Gemm'],
  ])('x %j: the serialized graph reads W twice (%s, then MatMul), never transposes it, and has no gradient op', (xShape, forwardOp) => {
    const g = new Graph();
    const x = g.input('x', 'float32', xShape);
    const a = g.input('a', 'float32', [OUT]);
    const b = g.input('b', 'float32', [IN]);
    const W = g.initializer('model.proj.weight', { shape: [OUT, IN], stored: 'float32', data: new Float32Array(OUT * IN) });
    const y = g.scope('model.proj', () => hyperLinear(g, x, W, a, b));
    const loss = y; // any seed will do: the structure is what is checked
    const yShape = [...xShape.slice(0, -1), OUT];
    const grads = grad(g, loss, [a, b, x], { seed: g.constant('float32', yShape, new Array(30).fill(1)) });
    grads.forEach((d, i) => g.output(d, `d${i}`));
    const model = onnx.ModelProto.decode(serializeModel(g));
    const nodes = model.graph!.node!;
    const readers = nodes.filter((n) => n.input!.includes('model.proj.weight'));
    expect(readers.map((n) => [n.opType, n.input!.indexOf('model.proj.weight')])).toEqual([
      [forwardOp, 1], // forward: (x ⊙ b) W^T with transB
      ['MatMul', 1], // backward: (dy ⊙ a) W, plain; nothing else reads W, so no dW
    ]);
    expect(readers[0]!.name).toBe(`model.proj/${forwardOp}`);
    expect(Number(readers[0]!.attribute!.find((t) => t.name === 'transB')!.i)).toBe(1);
    expect(nodes.filter((n) => n.opType === 'Transpose')).toEqual([]);
    expect(nodes.filter((n) => /Grad$/.test(n.opType!) || /Grad$/.test(n.name!))).toEqual([]);
    expect(nodes.filter((n) => n.domain === 'com.microsoft' && n.opType !== 'FusedMatMul')).toEqual([]);
  });

  test('refuses scaling vectors that do not match W', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [3, IN]);
    const W = g.initializer('w', { shape: [OUT, IN], stored: 'float32', data: new Float32Array(OUT * IN) });
    expect(() => hyperLinear(g, x, W, g.input('a', 'float32', [IN]), g.input('b', 'float32', [IN]))).toThrow(/must be \[out\] and \[in\]/);
  });
});
