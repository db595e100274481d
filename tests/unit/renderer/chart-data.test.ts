import { describe, expect, it } from 'vitest';
import { alignCurves, compareSummary, formatLoss, formatRate, lossSummary } from '../../../src/renderer/src/lib/chart-data';

describe('alignCurves', () => {
  it('puts every curve on the union of their steps, null where a curve has no point', () => {
    const train = [
      [1, 2.5],
      [2, 2.1],
      [3, 1.9],
      [4, 1.7],
    ] as const;
    const validation = [
      [2, 2.2],
      [4, 1.8],
    ] as const;
    const rates = [
      [1, 1e-4],
      [2, 2e-4],
      [3, 2e-4],
      [4, 2e-4],
      [5, 1e-4],
    ] as const;
    expect(alignCurves([train, validation, rates])).toEqual({
      steps: [1, 2, 3, 4, 5],
      values: [
        [2.5, 2.1, 1.9, 1.7, null],
        [null, 2.2, null, 1.8, null],
        [1e-4, 2e-4, 2e-4, 2e-4, 1e-4],
      ],
    });
  });

  it('sorts steps numerically and keeps empty curves as arrays of nulls', () => {
    expect(alignCurves([[[10, 1]], [[9, 2]], []])).toEqual({ steps: [9, 10], values: [[null, 1], [2, null], [null, null]] });
    expect(alignCurves([[], []])).toEqual({ steps: [], values: [[], []] });
  });
});

describe('formatting', () => {
  it('writes losses with three significant digits and rates in exponent form', () => {
    expect([2.3146, 0.84, 0.0012345, 12.5].map(formatLoss)).toEqual(['2.31', '0.84', '0.00123', '12.5']);
    expect([2e-4, 0.00015, 0].map(formatRate)).toEqual(['2.0e-4', '1.5e-4', '0']);
  });
});

describe('summaries for screen readers', () => {
  it('names the first and latest training loss, how far the run is and the latest validation loss', () => {
    const train = [
      [1, 2.3146],
      [120, 0.8412],
    ] as const;
    expect(lossSummary(train, [[100, 0.9071]], 400)).toBe('Training loss from 2.31 to 0.841 over 120 of 400 steps; validation loss 0.907 at step 100');
    expect(lossSummary(train, [], null)).toBe('Training loss from 2.31 to 0.841 over 120 steps');
    expect(lossSummary([], [], 400)).toBe('Loss chart: no steps yet of 400');
  });

  it('describes each compared run', () => {
    const points = [
      [1, 2],
      [50, 1],
    ] as const;
    expect(
      compareSummary([
        { label: 'a', points },
        { label: 'b', points: [] },
      ]),
    ).toBe('Training loss of 2 runs by step: a from 2 to 1 over 50 steps; b has no steps');
  });
});
