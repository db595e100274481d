/**
 * Graph -> ONNX ModelProto bytes (onnx/onnx.proto via onnx-proto's protobufjs code). Initializers are
 * embedded as raw little-endian bytes or point at external data (location/offset/length), so large
 * weights never enter the proto and it stays far below protobuf's 2 GB limit.
 */
import { endianness } from 'node:os';
import { onnx } from 'onnx-proto';
import type { Shape } from './dims';
import { ONNX_DTYPE, toTypedArray } from './element-types';
import { GraphError } from './errors';
import type { Attr, Graph, Initializer, Node, Tensor } from './graph';
import { MS_DOMAIN } from './ops';

/** IR 9 (ONNX 1.14) and opset 18 (ONNX 1.13): both inside what onnxruntime 1.30 loads. */
export const IR_VERSION = 9;
export const OPSET = 18;
export const MS_OPSET = 1;

export interface SerializeOptions {
  producerName?: string;
  /** Refuse to embed more than this many bytes of initializer data; large weights belong in external files. */
  maxEmbeddedBytes?: number;
}

// onnx.proto AttributeProto.AttributeType and TensorProto.DataLocation.
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_TENSOR = 4;
const ATTR_INTS = 7;
const LOCATION_EXTERNAL = 1;

export function serializeModel(g: Graph, opts: SerializeOptions = {}): Uint8Array {
  return onnx.ModelProto.encode(toModelProto(g, opts)).finish();
}

export function toModelProto(g: Graph, { producerName = 'hyperadapt-studio', maxEmbeddedBytes = 2 ** 30 }: SerializeOptions = {}): onnx.IModelProto {
  if (endianness() !== 'LE') throw new GraphError('raw tensor data is written little-endian; this machine is big-endian');
  if (g.outputs.length === 0) throw new GraphError(`graph '${g.name}' has no outputs`);
  const embedded = g.initializers.reduce((n, i) => n + (i.data?.byteLength ?? 0), 0);
  if (embedded > maxEmbeddedBytes) {
    throw new GraphError(`${embedded} bytes of embedded initializers exceed ${maxEmbeddedBytes}: make large weights external`);
  }
  const domains = new Set(g.nodes.map((n) => n.domain));
  return {
    irVersion: IR_VERSION,
    producerName,
    opsetImport: [{ domain: '', version: OPSET }, ...(domains.has(MS_DOMAIN) ? [{ domain: MS_DOMAIN, version: MS_OPSET }] : [])],
    graph: {
      name: g.name,
      node: g.nodes.map(nodeProto),
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
      initializer: g.initializers.map(initializerProto),
    },
  };
}

function nodeProto(n: Node): onnx.INodeProto {
  return {
    name: n.name,
    opType: n.op,
    domain: n.domain,
    input: n.inputs.map((t) => t.name),
    output: n.outputs.map((t) => t.name),
    attribute: Object.entries(n.attrs).map(([name, a]) => attributeProto(name, a)),
  };
}

function attributeProto(name: string, a: Attr): onnx.IAttributeProto {
  if ('i' in a) return { name, type: ATTR_INT, i: a.i };
  if ('f' in a) return { name, type: ATTR_FLOAT, f: a.f };
  if ('s' in a) return { name, type: ATTR_STRING, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: ATTR_INTS, ints: [...a.ints] };
  return { name, type: ATTR_TENSOR, t: { dataType: ONNX_DTYPE[a.t.dtype], dims: [a.t.values.length], rawData: bytes(toTypedArray(a.t.dtype, a.t.values)) } };
}

function valueInfo(t: Tensor): onnx.IValueInfoProto {
  return { name: t.name, type: { tensorType: { elemType: ONNX_DTYPE[t.dtype], shape: shapeProto(t.shape) } } };
}

function shapeProto(shape: Shape): onnx.ITensorShapeProto {
  return { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
}

function initializerProto({ tensor, data, external }: Initializer): onnx.ITensorProto {
  // Initializer shapes are checked to be numeric when the initializer is added.
  const head = { name: tensor.name, dataType: ONNX_DTYPE[tensor.dtype], dims: tensor.shape as number[] };
  if (data) return { ...head, rawData: bytes(data) };
  const { location, offset, length } = external!;
  return {
    ...head,
    dataLocation: LOCATION_EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

function bytes(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
