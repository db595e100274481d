/** Opens a data file with the reader its type needs. */
import { stat } from 'node:fs/promises';
import { detectFileType, type FileTypeGuess } from './file-type';
import { readCsv, sniffDelimiter } from './readers/csv';
import { readJson } from './readers/json';
import { readJsonl } from './readers/jsonl';
import { readParquet } from './readers/parquet';
import type { ReadProgress, RecordSource, SourceRecord } from './readers/record';
import { readTxt, type TextUnit } from './readers/txt';

export interface OpenedSource extends RecordSource {
  fileType: FileTypeGuess;
}

export async function openSource(path: string, textUnit: TextUnit = 'line'): Promise<OpenedSource> {
  const { size } = await stat(path);
  const fileType = await detectFileType(path);
  const progress: ReadProgress = { bytes: 0 };
  let records: AsyncIterable<SourceRecord>;
  switch (fileType.type) {
    case 'jsonl':
      records = readJsonl(path, progress);
      break;
    case 'json':
      records = readJson(path, progress);
      break;
    case 'csv':
      records = readCsv(path, progress, await sniffDelimiter(path));
      break;
    case 'tsv':
      records = readCsv(path, progress, '\t');
      break;
    case 'txt':
      records = readTxt(path, progress, textUnit);
      break;
    case 'parquet':
      records = readParquet(path, progress);
      break;
  }
  return { fileType, records, progress, totalBytes: size };
}
