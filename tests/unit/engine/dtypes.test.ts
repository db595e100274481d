import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToFloat32,
  bfloat16ToFloat32,
  float16BitsToFloat32,
  float16ToFloat32,
  float32ToBfloat16,
  float32ToBfloat16Bits,
  float32ToFloat16,
  float32ToFloat16Bits,
} from '../../../src/main/engine/onnx/dtypes';

const bitsToFloat32 = (bits: number): number => new Float32Array(new Uint32Array([bits]).buffer)[0];

/** Independent reference: the nearest finite float16 by search over all of them, ties to the even pattern. */
function referenceFloat16(value: number, finite: { value: number; bits: number }[]): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  // 65520 = 65504 + half a step: from there up, IEEE rounding overflows to Inf.
  if (magnitude >= 65520) return sign | 0x7c00;
  let best = finite[0];
  for (const candidate of finite) {
    const d = Math.abs(candidate.value - magnitude);
    const bestD = Math.abs(best.value - magnitude);
    if (d < bestD || (d === bestD && (candidate.bits & 1) === 0)) best = candidate;
  }
  return sign | best.bits;
}

describe('float16', () => {
  it('encodes known values', () => {
    const cases: [number, number][] = [
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff], // largest finite
      [65519, 0x7bff], // just below the overflow midpoint
      [65520, 0x7c00], // the midpoint rounds to even, which is Inf
      [0, 0x0000],
      [-0, 0x8000],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], // smallest normal
      [1023 * 2 ** -24, 0x03ff], // largest subnormal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // half the smallest subnormal: tie, rounds to even (zero)
      [1.5 * 2 ** -25, 0x0001], // above the midpoint
      [3 * 2 ** -25, 0x0002], // 1.5 subnormal steps: tie between 1 and 2, even is 2
      [1 + 2 ** -11, 0x3c00], // tie between 0x3c00 and 0x3c01: even
      [1 + 3 * 2 ** -11, 0x3c02], // tie between 0x3c01 and 0x3c02: even
      [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above a tie
      [2 ** -30, 0x0000], // far below: zero
      [-(2 ** -30), 0x8000],
      [bitsToFloat32(0x00000001), 0x0000], // a float32 subnormal
    ];
    for (const [value, bits] of cases) expect(float32ToFloat16Bits(value), `${value}`).toBe(bits);
  });

  it('decodes known values, incl. subnormals, infinities and NaN', () => {
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    expect(float16BitsToFloat32(0xfc01)).toBeNaN();
  });

  it('round-trips every non-NaN bit pattern, and keeps NaN a NaN', () => {
    for (let h = 0; h < 0x10000; h++) {
      const value = float16BitsToFloat32(h);
      if (Number.isNaN(value)) expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(value)))).toBe(true);
      else if (float32ToFloat16Bits(value) !== h) expect.fail(`0x${h.toString(16)} -> ${value} -> 0x${float32ToFloat16Bits(value).toString(16)}`);
    }
    // A NaN whose payload sits only in the low float32 bits must not truncate to Inf.
    expect(float32ToFloat16Bits(bitsToFloat32(0x7f800001)) & 0x3ff).not.toBe(0);
  });

  it('rounds random float32 values to the nearest float16, ties to even', () => {
    const finite: { value: number; bits: number }[] = [];
    for (let h = 0; h < 0x7c00; h++) finite.push({ value: float16BitsToFloat32(h), bits: h });
    let seed = 12345;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let i = 0; i < 3000; i++) {
      // Exponents spread over the float16 range and a little beyond on both sides.
      const exponent = 127 - 28 + (random() % 46);
      const bits = ((random() & 1) << 31) | (exponent << 23) | (random() & 0x7fffff);
      const value = bitsToFloat32(bits >>> 0);
      expect(float32ToFloat16Bits(value), `${value}`).toBe(referenceFloat16(value, finite));
    }
  });

  it('converts arrays like the scalar functions', () => {
    const values = new Float32Array([1, -0, 65520, 2 ** -25, NaN, 0.1]);
    const halves = float32ToFloat16(values);
    expect([...halves]).toEqual([...values].map(float32ToFloat16Bits));
    const back = float16ToFloat32(halves);
    expect([...back]).toEqual([...halves].map(float16BitsToFloat32));
  });
});

describe('bfloat16', () => {
  it('rounds to nearest even and handles the edges', () => {
    const cases: [number, number][] = [
      [0x3f800000, 0x3f80], // 1
      [0x3f808000, 0x3f80], // 1 + half a step: tie, even stays
      [0x3f818000, 0x3f82], // tie, rounds up to even
      [0x3f808001, 0x3f81], // just above a tie
      [0x7f7fffff, 0x7f80], // largest float32 overflows to Inf
      [0xff800000, 0xff80], // -Inf
      [0x80000000, 0x8000], // -0
      [0x00010000, 0x0001], // float32 subnormal that bfloat16 holds exactly
      [0x00008000, 0x0000], // half of it: tie to even (zero)
    ];
    for (const [bits, expected] of cases) expect(float32ToBfloat16Bits(bitsToFloat32(bits)), `0x${bits.toString(16)}`).toBe(expected);
    const nan = float32ToBfloat16Bits(bitsToFloat32(0x7f800001));
    expect(Number.isNaN(bfloat16BitsToFloat32(nan))).toBe(true);
  });

  it('round-trips every non-NaN bit pattern', () => {
    for (let h = 0; h < 0x10000; h++) {
      const value = bfloat16BitsToFloat32(h);
      if (!Number.isNaN(value) && float32ToBfloat16Bits(value) !== h) expect.fail(`0x${h.toString(16)}`);
    }
  });

  it('converts arrays like the scalar functions', () => {
    const values = new Float32Array([1, -0, 3.14159, 1e-40, Infinity, NaN]);
    const halves = float32ToBfloat16(values);
    expect([...halves]).toEqual([...values].map(float32ToBfloat16Bits));
    expect([...bfloat16ToFloat32(halves)]).toEqual([...halves].map(bfloat16BitsToFloat32));
  });
});
