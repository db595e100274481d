/**
 * Tiny ONNX models for the session tests, built with onnx-proto directly so that these tests
 * depend on nothing but onnxruntime and the format.
 */
import { onnx } from 'onnx-proto';

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;
export const INT64 = onnx.TensorProto.DataType.INT64;

export function valueInfo(name: string, elemType: number, dims: readonly number[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } };
}

export function node(opType: string, input: string[], output: string[]): onnx.INodeProto {
  return { opType, input, output, name: `${opType}_${output[0]}` };
}

/** Initializer holding its bytes inside the model. */
function embedded(name: string, dataType: number, dims: readonly number[], bytes: ArrayBufferView): onnx.ITensorProto {
  return { name, dataType, dims: [...dims], rawData: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

export function modelBytes(graph: onnx.IGraphProto, opset = 17): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'hyperadapt-tests',
    opsetImport: [{ domain: '', version: opset }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** y = x + x on float32 [n]. */
export function doublerModel(n: number): Uint8Array {
  return modelBytes({
    name: 'doubler',
    node: [node('Add', ['x', 'x'], ['y'])],
    input: [valueInfo('x', FLOAT, [n])],
    output: [valueInfo('y', FLOAT, [n])],
  });
}

/** `depth` chained [n, n] MatMuls with one shared weight: slow enough to measure, small on disk. */
export function matmulChainModel(n: number, depth: number): Uint8Array {
  // Entries of 1/n keep every value bounded (each product averages a row).
  const weight = new Float32Array(n * n).fill(1 / n);
  const nodes: onnx.INodeProto[] = [];
  for (let i = 0; i < depth; i++) nodes.push(node('MatMul', [i === 0 ? 'x' : `h${i}`, 'w'], [i === depth - 1 ? 'y' : `h${i + 1}`]));
  return modelBytes({
    name: 'matmul_chain',
    node: nodes,
    initializer: [embedded('w', FLOAT, [n, n], weight)],
    input: [valueInfo('x', FLOAT, [n, n])],
    output: [valueInfo('y', FLOAT, [n, n])],
  });
}
