import { describe, expect, it } from 'vitest';
import { histogramEdges, lengthHistogram } from '../../../src/main/data/length-histogram';

const widths = (edges: number[]) => new Set(edges.slice(1).map((edge, i) => edge - edges[i]!));

describe('length histogram bins', () => {
  it('picks a round width with the max length on an edge, 8 to 20 bins up to the longer of the two', () => {
    expect(histogramEdges(512, 300)).toEqual(Array.from({ length: 17 }, (_, i) => i * 32));
    expect(histogramEdges(16, 10)).toEqual(Array.from({ length: 17 }, (_, i) => i));
    const long = histogramEdges(512, 5000);
    expect(widths(long)).toEqual(new Set([256]));
    expect(long).toHaveLength(21);
    expect(long).toContain(512);
    expect(long.at(-1)).toBeGreaterThanOrEqual(5000);
    expect(widths(histogramEdges(300, 120))).toEqual(new Set([20]));
  });

  it('inserts a max length no round width divides as an edge of its own', () => {
    const prime = histogramEdges(997, 400);
    expect(prime.slice(0, 3)).toEqual([0, 50, 100]);
    expect(prime.slice(-3)).toEqual([950, 997, 1000]);
    const small = histogramEdges(16, 3000);
    expect(small.slice(0, 4)).toEqual([0, 16, 200, 400]);
    expect(small.at(-1)).toBe(3000);
    expect(histogramEdges(1, 0)).toEqual([0, 1]);
  });

  it('counts each length in (lo, hi], so the bars past the max length hold exactly the truncated rows', () => {
    const { edges, counts } = lengthHistogram(Int32Array.from([1, 32, 33, 512, 513]), 512);
    expect(edges.slice(0, 3)).toEqual([0, 32, 64]);
    expect(counts.slice(0, 2)).toEqual([2, 1]);
    expect(counts[edges.indexOf(512) - 1]).toBe(1);
    expect(counts[edges.indexOf(512)]).toBe(1);

    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (const maxLength of [16, 100, 384, 512, 997, 2048]) {
      const lengths = Int32Array.from({ length: 500 }, () => 1 + Math.floor(random() * maxLength * 3));
      const histogram = lengthHistogram(lengths, maxLength);
      expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(500);
      expect(histogram.counts.length).toBeLessThanOrEqual(21);
      const beyond = histogram.counts.filter((_, i) => histogram.edges[i]! >= maxLength).reduce((a, b) => a + b, 0);
      expect(beyond).toBe(lengths.filter((length) => length > maxLength).length);
    }
  });

  it('is empty bins, not an error, without rows', () => {
    const { edges, counts } = lengthHistogram(new Int32Array(0), 64);
    expect(edges.at(-1)).toBe(64);
    expect(counts.every((count) => count === 0)).toBe(true);
  });
});
