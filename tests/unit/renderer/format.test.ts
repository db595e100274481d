import { describe, expect, it } from 'vitest';
import { formatBytes, formatPercent } from '../../../src/renderer/src/lib/format';

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
