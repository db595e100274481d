/**
 * The fix-ups the Data step offers for what its report finds: a max length that covers the rows
 * (instead of truncating them), and leaving out the rows with errors (the file is never changed).
 */
import type { PreflightReport, ReportTokens } from './dataset-report';

/** The largest max length the API takes (datasets.check, run settings). */
export const MAX_LENGTH_LIMIT = 131_072;

/** Up to a length that reads as round: a multiple of 16 up to 256, of 64 up to 2048, else of 256. */
export function roundUpLength(tokens: number): number {
  const step = tokens <= 256 ? 16 : tokens <= 2048 ? 64 : 256;
  return Math.ceil(tokens / step) * step;
}

/**
 * A max length that stops the truncation: covering the longest row, or only the 99th percentile
 * when the longest is an outlier (more than twice p99, which would cost every batch memory for
 * one row); capped at the model's context length. null when nothing larger helps.
 */
export function raisedMaxLength(tokens: Pick<ReportTokens, 'maxLength' | 'p99' | 'max' | 'truncatedRows'>, contextLength: number | null): number | null {
  if (tokens.truncatedRows === 0) return null;
  const target = tokens.max > 2 * tokens.p99 && tokens.p99 > tokens.maxLength ? tokens.p99 : tokens.max;
  const cap = Math.min(contextLength ?? MAX_LENGTH_LIMIT, MAX_LENGTH_LIMIT);
  const raised = Math.min(roundUpLength(target), cap);
  return raised > tokens.maxLength ? raised : null;
}

/** Rows with errors that could be left out: there are some, and some valid rows remain. */
export function droppableRows(report: PreflightReport): number {
  const { errors, rows } = report.train;
  return errors > 0 && rows.valid > 0 ? rows.invalid : 0;
}

/** The trainer's default max length (TRAIN_DEFAULTS.maxLength), which the Data step measures against until one is chosen. */
export const DEFAULT_MAX_LENGTH = 512;
