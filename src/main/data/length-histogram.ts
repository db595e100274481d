/**
 * Row lengths in tokens, counted in bins a person reads at a glance: 12 to 20 bins of a round
 * width (1, 2, 5 x 10^k or a power of two) from 0 up to the longer of the max length and the
 * longest row, with the max length on a bin edge, so every bar is either wholly kept or wholly
 * truncated by training.
 */

export interface LengthHistogram {
  /** Ascending, one more than `counts`: bin i holds lengths in (edges[i], edges[i + 1]] (bin 0 also holds 0). */
  edges: number[];
  counts: number[];
}

const MAX_BINS = 20;
/** Fewer bins than this with the max length on an edge: a round width with the max length inserted reads better. */
const MIN_ALIGNED_BINS = 8;

/** Round widths up to `limit`, ascending: 1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100... */
function roundWidths(limit: number): number[] {
  const widths = new Set<number>();
  for (let power = 1; power <= limit; power *= 2) widths.add(power);
  for (let decade = 1; decade <= limit; decade *= 10) for (const step of [1, 2, 2.5, 5]) if (Number.isInteger(step * decade)) widths.add(step * decade);
  return [...widths].sort((a, b) => a - b);
}

/** Bin edges for lengths up to `longest` against `maxLength`; the max length is always one of them. */
export function histogramEdges(maxLength: number, longest: number): number[] {
  const top = Math.max(maxLength, longest, 1);
  const widths = roundWidths(top);
  const fits = (width: number) => Math.ceil(top / width) <= MAX_BINS;
  const aligned = widths.find((width) => fits(width) && maxLength % width === 0 && Math.ceil(top / width) >= MIN_ALIGNED_BINS);
  const width = aligned ?? widths.find(fits) ?? top;
  const edges: number[] = [];
  for (let edge = 0; edge < top; edge += width) edges.push(edge);
  edges.push(edges.at(-1)! + width);
  if (!edges.includes(maxLength)) {
    edges.push(maxLength);
    edges.sort((a, b) => a - b);
  }
  return edges;
}

/** Index of the bin holding `length`: the first i with length <= edges[i + 1]. */
function binOf(edges: readonly number[], length: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (length <= edges[mid + 1]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function lengthHistogram(lengths: Int32Array, maxLength: number): LengthHistogram {
  let longest = 0;
  for (const length of lengths) if (length > longest) longest = length;
  const edges = histogramEdges(maxLength, longest);
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const length of lengths) counts[binOf(edges, length)]! += 1;
  return { edges, counts };
}
