/** Q8_0 quantization against values worked out by hand. */
import { describe, expect, it } from 'vitest';
import { dequantizeQ8_0, quantizeQ8_0 } from '../../../src/main/engine/export/gguf/q8-0';
import { float16BitsToFloat32 } from '../../../src/main/engine/onnx/dtypes';

// Half a step of rounding, plus the f16 scale's own rounding (2^-11 relative) times the largest q, 127.
const Q8_BOUND = 0.5 + 127 * 2 ** -11;

describe('Q8_0', () => {
  it('stores d = max|x| / 127 as f16, then round(x / d) as int8, rounding halves away from zero', () => {
    const values = new Float32Array(32);
    values[0] = 1.27; // the largest magnitude: q = 127
    values[1] = -1.27;
    values[2] = 0.025; // x / d = 2.5 (as close as float32 gets): rounds away from zero to 3 or stays 2
    values[3] = 0.01;
    const bytes = quantizeQ8_0(values);
    expect(bytes.byteLength).toBe(34);
    const view = new DataView(bytes.buffer);
    const d = float16BitsToFloat32(view.getUint16(0, true));
    expect(d).toBeCloseTo(0.01, 4);
    expect(view.getInt8(2)).toBe(127);
    expect(view.getInt8(3)).toBe(-127);
    expect(Math.abs(view.getInt8(4) - 2.5)).toBe(0.5);
    expect(view.getInt8(5)).toBe(1);
    expect(view.getInt8(6)).toBe(0);
  });

  it('writes an all-zero block as scale 0 and zeros, and round-trips within half a step', () => {
    expect([...quantizeQ8_0(new Float32Array(32))]).toEqual(new Array(34).fill(0));
    const values = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * (i < 32 ? 1 : 1e-3));
    const back = dequantizeQ8_0(quantizeQ8_0(values));
    for (let i = 0; i < 64; i++) {
      const block = values.subarray(i < 32 ? 0 : 32, i < 32 ? 32 : 64);
      const step = Math.max(...block.map(Math.abs)) / 127;
      expect(Math.abs(back[i]! - values[i]!)).toBeLessThanOrEqual(Q8_BOUND * step);
    }
  });

  it('refuses a length that is not whole blocks', () => {
    expect(() => quantizeQ8_0(new Float32Array(33))).toThrow(/multiple of 32/);
  });
});
