import { describe, expect, it } from 'vitest';
import { DuplicateIndex } from '../../../src/main/data/duplicates';

describe('DuplicateIndex', () => {
  it('finds the first identical row, and only identical ones', () => {
    const index = new DuplicateIndex();
    expect(['a', 'b', 'a', 'c', 'b', 'a'].map((content, i) => index.add(content, i))).toEqual([-1, -1, 0, -1, 1, 0]);
    expect(index.find('c')).toBe(3);
    expect(index.find('d')).toBe(-1);
    expect(() => index.add('e', 9)).toThrow('rows must be added in order');
  });
});
