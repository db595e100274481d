import { describe, expect, it } from 'vitest';
import { TRAIN_DEFAULTS } from '../../../src/main/engine/train/train-options';
import { DEFAULT_MAX_LENGTH, droppableRows, MAX_LENGTH_LIMIT, raisedMaxLength, roundUpLength } from '../../../src/renderer/src/lib/data-fixups';
import type { PreflightReport } from '../../../src/renderer/src/lib/dataset-report';

const tokens = (maxLength: number, p99: number, max: number, truncatedRows = 1) => ({ maxLength, p99, max, truncatedRows });

describe('the Data step fix-ups', () => {
  it('measures against the trainer\'s default max length until one is chosen', () => {
    expect(DEFAULT_MAX_LENGTH).toBe(TRAIN_DEFAULTS.maxLength);
  });

  it('rounds lengths up to values that read as round', () => {
    expect([1, 16, 17, 250, 257, 2000, 2049, 5000].map(roundUpLength)).toEqual([16, 16, 32, 256, 320, 2048, 2304, 5120]);
  });

  it('raises the max length to cover the longest row, or p99 when the longest is an outlier', () => {
    expect(raisedMaxLength(tokens(512, 600, 700), null)).toBe(704);
    expect(raisedMaxLength(tokens(16, 40, 54), null)).toBe(64);
    expect(raisedMaxLength(tokens(512, 900, 30_000), null)).toBe(960);
  });

  it("stops at the model's context length, and offers nothing that would not help", () => {
    expect(raisedMaxLength(tokens(512, 3000, 4000), 2048)).toBe(2048);
    expect(raisedMaxLength(tokens(2048, 3000, 4000), 2048)).toBeNull();
    expect(raisedMaxLength(tokens(512, 300, 400, 0), null)).toBeNull();
    expect(raisedMaxLength(tokens(512, 900_000, 1_000_000), null)).toBe(MAX_LENGTH_LIMIT);
  });

  it('offers to leave out bad rows only when some valid rows remain', () => {
    const report = (errors: number, valid: number, invalid: number) => ({ train: { errors, rows: { total: valid + invalid, valid, invalid, usable: valid } } }) as PreflightReport;
    expect(droppableRows(report(1, 3, 1))).toBe(1);
    expect(droppableRows(report(0, 3, 0))).toBe(0);
    expect(droppableRows(report(2, 0, 2))).toBe(0);
  });
});
