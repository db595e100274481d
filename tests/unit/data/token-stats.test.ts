import { describe, expect, it } from 'vitest';
import { lengthPercentiles, percentile } from '../../../src/main/data/token-stats';

describe('token statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Int32Array.from({ length: 100 }, (_, i) => i + 1);
    expect([50, 90, 99, 100].map((p) => percentile(sorted, p))).toEqual([50, 90, 99, 100]);
    expect(percentile(Int32Array.from([7]), 50)).toBe(7);
    expect(percentile(new Int32Array(0), 50)).toBe(0);
  });

  it('sorts numerically, not as text', () => {
    expect(lengthPercentiles(Int32Array.from([100, 9, 20, 3]))).toEqual({ p50: 9, p90: 100, p99: 100, max: 100, mean: 33 });
  });
});
