/**
 * Element types of graph tensors: their ONNX TensorProto.DataType codes, byte sizes and typed arrays.
 * 16-bit floats travel as Uint16Array bit patterns (bit conversions in dtypes.ts).
 */
import { float32ToBfloat16Bits, float32ToFloat16Bits } from './dtypes';

export type FloatDType = 'float32' | 'float64' | 'float16' | 'bfloat16';
export type DType = FloatDType | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

/** TensorProto.DataType, transcribed from onnx.proto (onnx/onnx.proto, message TensorProto). */
export const ONNX_DTYPE: Readonly<Record<DType, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  bfloat16: 16,
};

export const DTYPE_BYTES: Readonly<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export type TypedArray =
  | Float32Array
  | Float64Array
  | Uint16Array
  | BigInt64Array
  | Int32Array
  | Int8Array
  | Uint8Array;

/** The typed array that holds each dtype's raw little-endian bytes (16-bit floats as their bit patterns). */
const ARRAY_OF: Readonly<Record<DType, abstract new (...args: never[]) => TypedArray>> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}

export function typedArrayMatches(dtype: DType, data: TypedArray): boolean {
  return data instanceof ARRAY_OF[dtype];
}

/** Type a list of numbers as `dtype`'s typed array (16-bit floats rounded to nearest even). */
export function toTypedArray(dtype: DType, values: readonly number[]): TypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'float16':
      return Uint16Array.from(values, float32ToFloat16Bits);
    case 'bfloat16':
      return Uint16Array.from(values, float32ToBfloat16Bits);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(v));
    case 'int32':
      return Int32Array.from(values);
    case 'int8':
      return Int8Array.from(values);
    case 'uint8':
      return Uint8Array.from(values);
    case 'bool':
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
  }
}

/** Most negative finite value: the additive attention mask (HF uses torch.finfo(dtype).min). */
export function lowestFinite(dtype: FloatDType): number {
  switch (dtype) {
    case 'float64':
      return -Number.MAX_VALUE;
    case 'float32':
      return -3.4028234663852886e38;
    case 'float16':
      return -65504;
    case 'bfloat16':
      return -3.3895313892515355e38;
  }
}

/**
 * The dtype for precision-critical math (norms, softmax, rotary tables, the loss): HF upcasts 16-bit
 * floats to float32 there. float64 stays float64 (HF would narrow it; we use float64 only for checks).
 */
export function accumulationDtype(dtype: FloatDType): 'float32' | 'float64' {
  return dtype === 'float64' ? 'float64' : 'float32';
}
