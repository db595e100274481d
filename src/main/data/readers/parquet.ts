/**
 * Parquet through hyparquet, one row group at a time, so memory holds one group rather than the
 * file. Values are made plain for the formats: INT64 (bigint) becomes a number, typed arrays
 * become lists. Positions are 1-based row numbers (Parquet has no lines).
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type FileMetaData } from 'hyparquet';
import { DatasetFileError } from '../errors';
import type { ReadProgress, RowFields, SourceRecord } from './record';

/** Codecs hyparquet decodes without the optional hyparquet-compressors package. */
const SUPPORTED_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY']);

/** A value as the formats expect it: JSON-like, with exact integers as numbers. */
export function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<unknown>, plainValue);
  if (Array.isArray(value)) return value.map(plainValue);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    const out: RowFields = {};
    for (const [key, inner] of Object.entries(value)) out[key] = plainValue(inner);
    return out;
  }
  return value;
}

function checkCodecs(path: string, metadata: FileMetaData): void {
  for (const group of metadata.row_groups) {
    for (const column of group.columns) {
      const codec = column.meta_data?.codec;
      if (codec && !SUPPORTED_CODECS.has(codec)) {
        throw new DatasetFileError(path, `column "${column.meta_data!.path_in_schema.join('.')}" is compressed with ${codec}, which cannot be read here`, 're-save the file with snappy compression or none, e.g. pandas: df.to_parquet(path, compression="snappy")');
      }
    }
  }
}

export async function* readParquet(path: string, progress: ReadProgress): AsyncGenerator<SourceRecord> {
  const file = await asyncBufferFromFile(path);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new DatasetFileError(path, `not a readable Parquet file (${(error as Error).message})`);
  }
  checkCodecs(path, metadata);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    } catch (error) {
      throw new DatasetFileError(path, `rows ${rowStart + 1} to ${rowEnd} cannot be decoded (${(error as Error).message})`);
    }
    progress.bytes += Number(group.total_compressed_size ?? group.total_byte_size);
    for (let i = 0; i < rows.length; i++) yield { row: rowStart + i + 1, line: null, fields: plainValue(rows[i]) as RowFields };
    rowStart = rowEnd;
  }
}
