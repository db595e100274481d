import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatPercent, parseTags } from '../../../src/renderer/src/lib/format';

describe('formatBytes', () => {
  it('uses binary multiples', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(24 * 1024 ** 3)).toBe('24.0 GB');
    expect(formatBytes(140 * 1024 ** 3)).toBe('140 GB');
  });
});

describe('formatPercent', () => {
  it('rounds to whole percent', () => {
    expect(formatPercent(0.156)).toBe('16%');
  });
});

describe('formatCount', () => {
  it('abbreviates like a model card', () => {
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234)).toBe('1.2K');
    expect(formatCount(3_400_000)).toBe('3.4M');
    expect(formatCount(494_000_000)).toBe('494M');
    expect(formatCount(1_500_000_000)).toBe('1.5B');
  });
});

describe('formatDuration', () => {
  it('keeps the two largest units', () => {
    expect(formatDuration(300)).toBe('under 1 s');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(192_000)).toBe('3 min 12 s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 05 min');
  });
});

describe('parseTags', () => {
  it('splits on commas and drops blanks', () => {
    expect(parseTags(' a, b ,, c ')).toEqual(['a', 'b', 'c']);
    expect(parseTags('')).toEqual([]);
  });
});
