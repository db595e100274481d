/** Running a built graph on onnxruntime-node's CPU provider, for tests. */
import * as ort from 'onnxruntime-node';
import type { DType } from '../../../../src/main/engine/onnx/element-types';
import type { Graph } from '../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';

export type Feeds = Record<string, ort.Tensor>;

/**
 * A CPU session. QuickGeluFusion is off: it turns x ⊙ sigmoid(x) into com.microsoft QuickGelu, which
 * has only a float32 kernel, so float64 forward-only graphs (silu) would not load.
 */
export function session(g: Graph): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(serializeModel(g), {
    executionProviders: ['cpu'],
    extra: { optimization: { disable_specified_optimizers: 'QuickGeluFusion' } },
  });
}

/** An onnxruntime tensor of numbers in `dtype` (float32, float64, int64 or bool). */
export function tensor(dtype: DType, dims: readonly number[], values: readonly number[]): ort.Tensor {
  switch (dtype) {
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(values), dims);
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(values), dims);
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
    case 'bool':
      return new ort.Tensor('bool', Uint8Array.from(values, (v) => (v ? 1 : 0)), dims);
    default:
      throw new Error(`test feeds do not support ${dtype}`);
  }
}

/** An output's values as plain numbers. */
export function values(t: ort.Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}
