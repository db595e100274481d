/**
 * float16 and bfloat16 <-> float32 conversion, bit-exact.
 *
 * JS has no 16-bit float type on Node 20, so half-precision tensors travel as Uint16Array bit
 * patterns (this is also what onnxruntime-node takes and returns for 'float16'). Narrowing
 * rounds to nearest, ties to even (IEEE 754 default, what numpy and torch do); NaN stays NaN
 * (made quiet), infinities and signed zeros are kept, float16 subnormals are produced and read.
 */

// One scratch word viewed both ways: the portable way to get at a float32's bits in JS.
const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** float32 -> IEEE 754 binary16 bits. `value` is first rounded to float32, as a Float32Array store does. */
export function float32ToFloat16Bits(value: number): number {
  scratchF32[0] = value;
  const x = scratchU32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;

  if (exponent === 0xff) {
    // Inf keeps its sign; NaN keeps the top payload bits and is forced quiet so it cannot become Inf.
    return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13);
  }
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // too large: overflows to Inf
  if (halfExponent <= 0) {
    // Result is a float16 subnormal (or zero): value = m * 2^-24, m = full >> (14 - halfExponent).
    if (halfExponent < -10) return sign; // below half the smallest subnormal: rounds to zero
    const full = mantissa | 0x800000; // restore the implicit leading 1
    const shift = 14 - halfExponent; // 14..24
    return sign | roundShiftRight(full, shift);
  }
  // Normal: keep 10 of 23 mantissa bits. A carry out of the mantissa correctly bumps the
  // exponent, and a carry out of the largest finite value correctly gives Inf.
  return sign | roundShiftRight((halfExponent << 23) | mantissa, 13);
}

/** `value >> shift`, rounded to nearest with ties to even. */
function roundShiftRight(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** IEEE 754 binary16 bits -> the exact float32 (every float16 is representable). */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero or subnormal
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (0x400 + mantissa) * 2 ** (exponent - 25);
}

/** float32 -> bfloat16 bits (the top 16 bits of the float32, rounded to nearest even). */
export function float32ToBfloat16Bits(value: number): number {
  scratchF32[0] = value;
  const x = scratchU32[0];
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) {
    return (x >>> 16) | 0x40; // NaN: set the quiet bit so truncation cannot turn it into Inf
  }
  // Adding 0x7fff plus the lowest kept bit rounds ties to even; overflow carries into Inf.
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bfloat16 bits -> float32 (exact: bfloat16 is a truncated float32). */
export function bfloat16BitsToFloat32(bits: number): number {
  scratchU32[0] = (bits & 0xffff) << 16;
  return scratchF32[0];
}

// All 65,536 float16 values as float32 (256 KiB), built on first use: widening a large
// tensor becomes one table lookup per element.
let float16Table: Float32Array | undefined;

/** Widens float16 bit patterns to float32. */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  if (!float16Table) {
    float16Table = new Float32Array(0x10000);
    for (let h = 0; h < 0x10000; h++) float16Table[h] = float16BitsToFloat32(h);
  }
  const table = float16Table;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}

/** Narrows float32 values to float16 bit patterns (round to nearest even). */
export function float32ToFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

/** Widens bfloat16 bit patterns to float32. */
export function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i] << 16;
  return new Float32Array(words.buffer);
}

/** Narrows float32 values to bfloat16 bit patterns (round to nearest even). */
export function float32ToBfloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToBfloat16Bits(values[i]);
  return out;
}
