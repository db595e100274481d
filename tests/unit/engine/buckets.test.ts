import { describe, expect, it } from 'vitest';
import { pickBucket } from '../../../src/main/engine/onnx/buckets';

describe('pickBucket', () => {
  it('picks the smallest bucket that holds the length, whatever the list order', () => {
    const buckets = [2048, 256, 512, 1024];
    expect(pickBucket(1, buckets)).toBe(256);
    expect(pickBucket(256, buckets)).toBe(256);
    expect(pickBucket(257, buckets)).toBe(512);
    expect(pickBucket(2048, buckets)).toBe(2048);
    expect(pickBucket(0, buckets)).toBe(256);
  });

  it('says which length does not fit, and refuses nonsense lengths', () => {
    expect(() => pickBucket(2049, [256, 2048])).toThrow('length 2049 does not fit: expected at most the largest bucket, 2048');
    expect(() => pickBucket(1, [])).toThrow('length 1 does not fit: the bucket list is empty');
    expect(() => pickBucket(1.5, [256])).toThrow('expected a non-negative integer length, got 1.5');
    expect(() => pickBucket(-1, [256])).toThrow(RangeError);
  });
});
