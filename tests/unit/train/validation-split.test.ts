import { describe, expect, it } from 'vitest';
import { lengthBuckets } from '../../../src/main/engine/train/train-options';
import { splitRows } from '../../../src/main/engine/train/validation-split';

describe('splitRows', () => {
  it('holds out the fraction, deterministically by seed, keeping file order', () => {
    const a = splitRows(100, 0.1, 7);
    expect(a.validation).toHaveLength(10);
    expect(a.train).toHaveLength(90);
    expect(splitRows(100, 0.1, 7)).toEqual(a);
    expect(splitRows(100, 0.1, 8).validation).not.toEqual(a.validation);
    expect([...a.train].sort((x, y) => x - y)).toEqual(a.train);
    expect(new Set([...a.train, ...a.validation]).size).toBe(100);
  });

  it('caps validation at 1000 rows and never empties training', () => {
    expect(splitRows(50_000, 0.1, 1).validation).toHaveLength(1000);
    expect(splitRows(2, 0.9, 1)).toEqual({ train: [expect.any(Number)], validation: [expect.any(Number)] });
    expect(splitRows(1, 0.5, 1)).toEqual({ train: [0], validation: [] });
    expect(splitRows(10, 0, 1).validation).toEqual([]);
  });
});

describe('lengthBuckets', () => {
  it('uses powers of two up to and including the maximum', () => {
    expect(lengthBuckets(512)).toEqual([64, 128, 256, 512]);
    expect(lengthBuckets(300)).toEqual([64, 128, 256, 300]);
    expect(lengthBuckets(32)).toEqual([32]);
  });
});
