/** What every reader yields: one record of the file, or what is wrong with it, at its position. */
import type { Position, Problem } from '../issues';

/** A row as read: an object of fields (JSON keys, CSV header names, Parquet columns). */
export type RowFields = Record<string, unknown>;

export type SourceRecord = (Position & { fields: RowFields }) | (Position & { problem: Problem });

/** How far a reader has got, for progress bars; updated as it reads. */
export interface ReadProgress {
  bytes: number;
}

/** Rows of a file, read lazily, and how far the reading has got. */
export interface RecordSource {
  readonly records: AsyncIterable<SourceRecord>;
  readonly progress: ReadProgress;
  /** File size in bytes. */
  readonly totalBytes: number;
}

/** Most bytes one record (a line, a JSON element, a CSV record) may take: longer ones are reported, not buffered. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
