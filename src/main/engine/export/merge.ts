/**
 * The exact HyperAdapt merge (DESIGN.md section 1): W'[i, j] = a[i] · W[i, j] · b[j], for one
 * linear's weight W [out, in] (row-major, Hugging Face's y = x W^T convention), and its re-encoding
 * in the stored dtype. Everything here works on one tensor at a time, so memory stays near it.
 */
import type { AdapterLayout, AdapterSlot } from '../models/adapter-layout';
import { float32ToBfloat16, float32ToFloat16 } from '../onnx/dtypes';

/** Stored float dtypes a merged weight can be written in: the base model's own. */
export type FloatDtype = 'F32' | 'F16' | 'BF16';

/** W' = diag(a) W diag(b), computed in float32 (the in-app forward computes in float32 too). */
export function mergeLinear(weight: Float32Array, out: number, inFeatures: number, a: Float32Array, b: Float32Array): Float32Array {
  if (weight.length !== out * inFeatures) throw new RangeError(`merge: weight has ${weight.length} values, expected ${out} x ${inFeatures}`);
  if (a.length !== out || b.length !== inFeatures) throw new RangeError(`merge: expected a [${out}] and b [${inFeatures}], got [${a.length}] and [${b.length}]`);
  const merged = new Float32Array(weight.length);
  for (let i = 0; i < out; i++) {
    const ai = a[i];
    const row = i * inFeatures;
    for (let j = 0; j < inFeatures; j++) merged[row + j] = ai * weight[row + j] * b[j];
  }
  return merged;
}

/** float32 values as the raw elements of `dtype` (F16/BF16 rounded to nearest even). */
export function encodeFloat(values: Float32Array, dtype: FloatDtype): Float32Array | Uint16Array {
  if (dtype === 'F32') return values;
  return dtype === 'F16' ? float32ToFloat16(values) : float32ToBfloat16(values);
}

/** The weight tensor name each adapted slot merges into: "<module path>.weight". */
export function slotsByWeightName(layout: AdapterLayout): Map<string, AdapterSlot> {
  return new Map(layout.slots.map((s) => [`${s.path}.weight`, s]));
}

/** Slot `s`'s a [out] and b [in], views into the adapter vector. */
export function slotVectors(vector: Float32Array, s: AdapterSlot): { a: Float32Array; b: Float32Array } {
  return { a: vector.subarray(s.aOffset, s.aOffset + s.out), b: vector.subarray(s.bOffset, s.bOffset + s.in) };
}
