import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16, float32ToFloat16 } from '../../../../src/main/engine/onnx/dtypes';
import { GraphError } from '../../../../src/main/engine/onnx/errors';
import { Graph, type InitializerSpec } from '../../../../src/main/engine/onnx/graph';
import { hyperLinear } from '../../../../src/main/engine/onnx/hyper-linear';
import * as op from '../../../../src/main/engine/onnx/ops';
import { IR_VERSION, OPSET, serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { rng, uniform } from '../helpers/random';
import { tensor, values } from '../helpers/session';

const decode = (g: Graph) => onnx.ModelProto.decode(serializeModel(g));

describe('ModelProto', () => {
  test('declares IR 9, opset 18, and com.microsoft only when a node uses it', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2, 3]);
    g.output(op.Gemm(g, x, x, undefined, { transB: 1 }), 'y');
    const m = decode(g);
    expect(Number(m.irVersion)).toBe(IR_VERSION);
    expect(m.opsetImport!.map((o) => [o.domain, Number(o.version)])).toEqual([['', OPSET]]);
    const g2 = new Graph();
    const z = g2.input('z', 'float32', [1, 2, 3]);
    g2.output(op.FusedMatMul(g2, z, z, { transB: 1 }), 'y');
    expect(decode(g2).opsetImport!.map((o) => [o.domain, Number(o.version)])).toEqual([['', OPSET], ['com.microsoft', 1]]);
  });

  test('graph inputs and outputs carry dtype and shape, named dims as dim_param', () => {
    const g = new Graph();
    const x = g.input('x', 'float64', ['B', 4]);
    g.output(op.Reshape(g, x, [-1]), 'flat');
    const m = decode(g);
    const dims = (v: onnx.IValueInfoProto) => v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(m.graph!.input!.map((v) => [v.name, v.type!.tensorType!.elemType, dims(v)])).toEqual([['x', 11, ['B', 4]]]);
    expect(m.graph!.output!.map((v) => [v.name, v.type!.tensorType!.elemType, dims(v)])).toEqual([['flat', 11, ['4*B']]]);
  });

  test('attributes keep their types: int, float, string, ints, tensor', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2, 3]);
    const a = op.Gemm(g, x, x, undefined, { alpha: 0.5, transB: 1 });
    const b = op.ScatterElements(g, a, g.constant('int64', [2, 1], [0, 1]), g.constant('float32', [2, 1], [1, 2]), { axis: 1, reduction: 'add' });
    const c = op.Transpose(g, b, { perm: [1, 0] });
    const d = op.ConstantOfShape(g, op.Shape(g, c), { value: 3, dtype: 'float32' });
    g.output(op.Add(g, c, d), 'y');
    const attrs = Object.fromEntries(decode(g).graph!.node!.flatMap((n) => n.attribute!.map((t) => [`${n.opType}.${t.name}`, t])));
    expect(attrs['Gemm.alpha']!.f).toBeCloseTo(0.5);
    expect(Number(attrs['Gemm.transB']!.i)).toBe(1);
    expect(new TextDecoder().decode(attrs['ScatterElements.reduction']!.s!)).toBe('add');
    expect(attrs['Transpose.perm']!.ints!.map(Number)).toEqual([1, 0]);
    expect(new Float32Array(new Uint8Array(attrs['ConstantOfShape.value']!.t!.rawData!).buffer)[0]).toBe(3);
  });

  test('refuses to embed more bytes than allowed', () => {
    const g = new Graph();
    const w = g.initializer('w', { shape: [256], stored: 'float32', data: new Float32Array(256) });
    g.output(w, 'w');
    expect(() => serializeModel(g, { maxEmbeddedBytes: 1000 })).toThrow(GraphError);
    expect(() => serializeModel(g, { maxEmbeddedBytes: 1000 })).toThrow(/make large weights external/);
  });
});

describe('external data', () => {
  const OUT = 3;
  const IN = 5;
  const next = rng(5);
  const master = Float32Array.from(uniform(next, OUT * IN, -4, 4));
  const f16 = float32ToFloat16(master);
  const bf16 = float32ToBfloat16(master);
  // One file, every tensor at an odd offset: 13 junk bytes, f32, 1 junk byte, f16, 3 junk bytes, bf16.
  const offsets = { f32: 13, f16: 13 + 60 + 1, bf16: 13 + 60 + 1 + 30 + 3 };
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hyperadapt-external-'));
    const file = new Uint8Array(offsets.bf16 + 30 + 7).fill(0xa5);
    file.set(new Uint8Array(master.buffer), offsets.f32);
    file.set(new Uint8Array(f16.buffer), offsets.f16);
    file.set(new Uint8Array(bf16.buffer), offsets.bf16);
    await writeFile(join(dir, 'weights.bin'), file);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** y = hyperLinear(x, W) for each stored form of W, all computed in float32; the cast weights too. */
  async function runWith(specs: Record<'f32' | 'f16' | 'bf16', InitializerSpec>): Promise<Record<string, number[]>> {
    const g = new Graph();
    const x = g.input('x', 'float32', [2, IN]);
    const a = g.constant('float32', [OUT], [1, 2, 3]);
    const b = g.constant('float32', [IN], [1, 1, 0.5, 1, 1]);
    for (const [key, spec] of Object.entries(specs)) {
      const W = g.initializer(`model.${key}.weight`, spec);
      g.output(W, `w_${key}`);
      g.output(g.scope(`model.${key}`, () => hyperLinear(g, x, W, a, b)), `y_${key}`);
    }
    const path = join(dir, `model-${Object.values(specs).some((s) => s.external) ? 'external' : 'embedded'}.onnx`);
    await writeFile(path, serializeModel(g));
    const s = await ort.InferenceSession.create(path, { executionProviders: ['cpu'] });
    const out = await s.run({ x: tensor('float32', [2, IN], uniform(rng(9), 2 * IN)) });
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, values(t)]));
  }

  test('float32, float16 and bfloat16 weights read from a file at unaligned offsets equal the embedded ones', async () => {
    const shape = [OUT, IN];
    const ext = (key: keyof typeof offsets, stored: 'float32' | 'float16' | 'bfloat16', bytes: number): InitializerSpec => ({
      shape,
      stored,
      dtype: 'float32',
      external: { location: 'weights.bin', offset: offsets[key], length: bytes },
    });
    const external = await runWith({ f32: ext('f32', 'float32', 60), f16: ext('f16', 'float16', 30), bf16: ext('bf16', 'bfloat16', 30) });
    const embedded = await runWith({
      f32: { shape, stored: 'float32', data: master },
      f16: { shape, stored: 'float16', dtype: 'float32', data: f16 },
      bf16: { shape, stored: 'bfloat16', dtype: 'float32', data: bf16 },
    });
    expect(external).toEqual(embedded);
    // The in-graph Cast widens exactly.
    expect(external.w_f32).toEqual(Array.from(master));
    expect(external.w_f16).toEqual(Array.from(f16, float16BitsToFloat32));
    expect(external.w_bf16).toEqual(Array.from(bf16, bfloat16BitsToFloat32));
    expect(external.w_f16).not.toEqual(external.w_f32); // the half types really were rounded
  });

  test('the ModelProto points at the file and casts in-graph, named after the weight', () => {
    const g = new Graph();
    const w = g.initializer('model.w.weight', {
      shape: [OUT, IN],
      stored: 'bfloat16',
      dtype: 'float32',
      external: { location: 'weights.bin', offset: offsets.bf16, length: 30 },
    });
    g.output(w, 'w');
    const m = decode(g);
    const init = m.graph!.initializer![0]!;
    expect(init.dataType).toBe(16);
    expect(init.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
    expect(init.rawData!.length).toBe(0);
    expect(init.externalData!.map((e) => [e.key, e.value])).toEqual([
      ['location', 'weights.bin'],
      ['offset', String(offsets.bf16)],
      ['length', '30'],
    ]);
    expect(m.graph!.node!.map((n) => [n.name, n.opType])).toEqual([
      ['model.w.weight/Cast', 'Cast'],
      ['Identity', 'Identity'],
    ]);
  });
});
