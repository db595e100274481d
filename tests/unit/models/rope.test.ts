/** inv_freq as transformers computes it: default, linear and llama3 (Llama 3.1's published parameters). */
import { describe, expect, it } from 'vitest';
import { computeInvFreq, type RopeSpec } from '../../../src/main/engine/models/rope';

const f = Math.fround;

describe('computeInvFreq', () => {
  it('is 1 / theta^(2i / Dh), rounded to float32', () => {
    const inv = computeInvFreq({ theta: 10000, scaling: { type: 'default' } }, 8);
    expect(inv).toBeInstanceOf(Float32Array);
    expect([...inv]).toEqual([1, f(0.1), f(0.01), f(0.001)]);
  });

  it('divides every frequency by the factor under linear scaling', () => {
    const plain = computeInvFreq({ theta: 10000, scaling: { type: 'default' } }, 16);
    const linear = computeInvFreq({ theta: 10000, scaling: { type: 'linear', factor: 4 } }, 16);
    expect([...linear]).toEqual([...plain].map((x) => f(x / 4)));
  });

  it('keeps high frequencies, divides low ones, and ramps between them under llama3 scaling', () => {
    // meta-llama/Llama-3.1-8B: head_dim 128, rope_theta 500000, factor 8, low 1, high 4, original 8192.
    const spec: RopeSpec = {
      theta: 500000,
      scaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 },
    };
    const plain = computeInvFreq({ theta: 500000, scaling: { type: 'default' } }, 128);
    const scaled = computeInvFreq(spec, 128);
    expect(scaled).toHaveLength(64);
    // Wavelength 2π / inv_freq: below 8192/4 = 2048 tokens unchanged (i <= 28), above 8192 divided by 8 (i >= 35).
    const wavelen = (i: number) => (2 * Math.PI) / plain[i]!;
    expect(wavelen(28)).toBeLessThan(2048);
    expect(wavelen(29)).toBeGreaterThan(2048);
    expect(wavelen(34)).toBeLessThan(8192);
    expect(wavelen(35)).toBeGreaterThan(8192);
    for (let i = 0; i <= 28; i++) expect(scaled[i]).toBe(plain[i]);
    for (let i = 35; i < 64; i++) expect(scaled[i]).toBe(f(plain[i]! / 8));
    for (let i = 29; i <= 34; i++) {
      // smooth = (8192 / wavelen - 1) / (4 - 1); (1 - smooth) * inv / 8 + smooth * inv
      const smooth = (8192 / wavelen(i) - 1) / 3;
      expect(smooth).toBeGreaterThan(0);
      expect(smooth).toBeLessThan(1);
      const float64 = (1 - smooth) * (plain[i]! / 8) + smooth * plain[i]!;
      expect(Math.abs(scaled[i]! - float64) / float64).toBeLessThan(1e-6); // float32 steps vs float64
    }
    // The ramp joins the two regimes monotonically.
    for (let i = 1; i < 64; i++) expect(scaled[i]).toBeLessThan(scaled[i - 1]!);
  });

  it('refuses an odd head dimension', () => {
    expect(() => computeInvFreq({ theta: 10000, scaling: { type: 'default' } }, 7)).toThrow('even head dimension, got 7');
  });
});
