/** Token-length statistics of a dataset against the max length training will use. */
import type { LengthHistogram } from './length-histogram';

export interface TokenStats {
  maxLength: number;
  /** Nearest-rank percentiles of row length in tokens, before truncation. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Rows longer than maxLength, which lose their tail. */
  truncatedRows: number;
  /** Rows with nothing to learn within maxLength, which are left out. */
  zeroSupervisedRows: number;
  /** Learned tokens over all usable rows, after truncation (the first token of a row is never predicted). */
  supervisedTokens: number;
  /** Row lengths before truncation, binned with the max length on an edge. */
  histogram: LengthHistogram;
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: Int32Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function lengthPercentiles(lengths: Int32Array): Pick<TokenStats, 'p50' | 'p90' | 'p99' | 'max' | 'mean'> {
  const sorted = lengths.slice().sort();
  let total = 0;
  for (const length of sorted) total += length;
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : 0,
    mean: sorted.length ? total / sorted.length : 0,
  };
}
