/** A JSON document holding a list of rows, or {"data": [...]}, streamed element by element. Positions are element indexes and their first line. */
import { createReadStream } from 'node:fs';
import { DatasetFileError } from '../errors';
import { JsonElementScanner, JsonLayoutError, type JsonElement } from './json-elements';
import { parseJsonRecord } from './json-value';
import { MAX_RECORD_BYTES, type ReadProgress, type SourceRecord } from './record';
import { decodeUtf8 } from './utf8';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function toRecord(element: JsonElement): SourceRecord {
  const position = { row: element.index, line: element.line };
  if ('tooLong' in element) return { ...position, problem: { code: 'too-long', field: null, message: `the row is longer than ${MAX_RECORD_BYTES / 2 ** 20} MiB` } };
  if ('layout' in element) return { ...position, problem: { code: element.layout, field: null, message: element.message } };
  const text = decodeUtf8(element.bytes, 'the row');
  if (typeof text !== 'string') return { ...position, problem: text };
  return { ...position, ...parseJsonRecord(text, element.complete) };
}

export async function* readJson(path: string, progress: ReadProgress): AsyncGenerator<SourceRecord> {
  const scanner = new JsonElementScanner(MAX_RECORD_BYTES);
  let first = true;
  try {
    for await (let chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      if (first && chunk.subarray(0, 3).equals(BOM)) chunk = chunk.subarray(3);
      first = false;
      const elements = scanner.push(chunk);
      progress.bytes += chunk.length;
      for (const element of elements) yield toRecord(element);
    }
    let cutShort = false;
    for (const element of scanner.end()) {
      const record = toRecord(element);
      // One cut-short row already says the file was truncated; the unclosed list would repeat it.
      if ('layout' in element && cutShort) continue;
      cutShort ||= 'problem' in record && record.problem.code === 'cut-short';
      yield record;
    }
  } catch (error) {
    if (error instanceof JsonLayoutError) throw new DatasetFileError(path, error.message);
    throw error;
  }
}
