/**
 * Q8_0, llama.cpp's 8-bit block quantization (ggml-quants.c, quantize_row_q8_0_ref): each run of
 * 32 consecutive values along a row becomes one block of 34 bytes, a float16 scale d = max|x| / 127
 * followed by 32 int8 values round(x / d) (rounding half away from zero, as C's roundf).
 */
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../onnx/dtypes';
import { GGML_BLOCKS, GgmlType } from './constants';

export const Q8_0_BLOCK = GGML_BLOCKS[GgmlType.Q8_0].elements;
const BLOCK_BYTES = GGML_BLOCKS[GgmlType.Q8_0].bytes;

/** Quantizes `values` (a whole number of blocks) into Q8_0 blocks. */
export function quantizeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % Q8_0_BLOCK !== 0) throw new RangeError(`Q8_0: expected a multiple of ${Q8_0_BLOCK} values, got ${values.length}`);
  const blocks = values.length / Q8_0_BLOCK;
  const out = new Uint8Array(blocks * BLOCK_BYTES);
  const view = new DataView(out.buffer);
  for (let k = 0; k < blocks; k++) {
    const start = k * Q8_0_BLOCK;
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) amax = Math.max(amax, Math.abs(values[start + j]));
    const d = Math.fround(amax / 127);
    const id = d === 0 ? 0 : Math.fround(1 / d);
    const at = k * BLOCK_BYTES;
    view.setUint16(at, float32ToFloat16Bits(d), true);
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      const x = Math.fround(values[start + j] * id);
      view.setInt8(at + 2 + j, Math.sign(x) * Math.round(Math.abs(x)));
    }
  }
  return out;
}

/** The values Q8_0 blocks stand for (d · q), to check a quantization or measure its error. */
export function dequantizeQ8_0(bytes: Uint8Array): Float32Array {
  const blocks = bytes.byteLength / BLOCK_BYTES;
  const out = new Float32Array(blocks * Q8_0_BLOCK);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < blocks; k++) {
    const d = float16BitsToFloat32(view.getUint16(k * BLOCK_BYTES, true));
    for (let j = 0; j < Q8_0_BLOCK; j++) out[k * Q8_0_BLOCK + j] = d * view.getInt8(k * BLOCK_BYTES + 2 + j);
  }
  return out;
}
