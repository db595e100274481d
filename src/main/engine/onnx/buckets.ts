/**
 * Static shape buckets. onnxruntime plans memory per input shape, and we put static dims in the
 * graph (freeDimensionOverrides is ignored from Node), so sequences are padded up to one of a few
 * fixed lengths, one session per bucket.
 */

/** The smallest bucket >= `length`. Throws when `length` exceeds every bucket. */
export function pickBucket(length: number, buckets: readonly number[]): number {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`expected a non-negative integer length, got ${length}`);
  let best: number | undefined;
  for (const bucket of buckets) {
    if (bucket >= length && (best === undefined || bucket < best)) best = bucket;
  }
  if (best === undefined) {
    const limit = buckets.length > 0 ? `expected at most the largest bucket, ${Math.max(...buckets)}` : 'the bucket list is empty';
    throw new RangeError(`length ${length} does not fit: ${limit}`);
  }
  return best;
}
