/** JSON Lines: one JSON object per line; blank lines are skipped. Positions are line numbers. */
import { readByteLines } from './byte-lines';
import { parseJsonRecord } from './json-value';
import { MAX_RECORD_BYTES, type ReadProgress, type SourceRecord } from './record';
import { decodeUtf8 } from './utf8';

export async function* readJsonl(path: string, progress: ReadProgress): AsyncGenerator<SourceRecord> {
  let row = 0;
  for await (const read of readByteLines(path, progress)) {
    const { line } = read;
    if ('oversize' in read) {
      row += 1;
      yield { row, line, problem: { code: 'too-long', field: null, message: `the line is longer than ${MAX_RECORD_BYTES / 2 ** 20} MiB; split it or shorten it` } };
      continue;
    }
    const text = decodeUtf8(read.bytes, 'the line');
    if (typeof text !== 'string') {
      row += 1;
      yield { row, line, problem: text };
      continue;
    }
    if (text.trim() === '') continue;
    row += 1;
    yield { row, line, ...parseJsonRecord(text, read.terminated) };
  }
}
