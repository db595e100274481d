/**
 * CSV and TSV through csv-parse, streamed: a header row names the columns; quoted fields may hold
 * delimiters, doubled quotes and newlines; a byte order mark is dropped. Every cell is a string
 * (a JSON list in a cell, such as "messages", is parsed later by the format that wants it).
 * Positions are the record's first line, found with a LineTracker because records can span lines.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError, type Info } from 'csv-parse';
import { DatasetFileError } from '../errors';
import type { Problem } from '../issues';
import { LineTracker } from './line-tracker';
import { MAX_RECORD_BYTES, type ReadProgress, type RowFields, type SourceRecord } from './record';

const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;

/** The delimiter the header line uses most, outside quotes (spreadsheets in some locales write ';'). */
export async function sniffDelimiter(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    const counts = new Map<string, number>(CANDIDATE_DELIMITERS.map((d) => [d, 0]));
    let quoted = false;
    for (const ch of head) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && (ch === '\n' || ch === '\r')) break;
      else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
    }
    let best = ',';
    for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
    return best;
  } finally {
    await handle.close();
  }
}

/** csv-parse's complaint about a record, reworded for someone fixing the file in a spreadsheet or editor. */
function csvProblem(error: CsvError): Problem {
  const code = error.code as string;
  const message =
    code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quoted field opens here and is never closed, so the file ends inside it (was the file cut short, or is a quote missing?)'
      : code === 'CSV_INVALID_CLOSING_QUOTE'
        ? 'a quoted field is followed by more text before the next delimiter (a quote inside a quoted field must be doubled: "")'
        : code === 'CSV_MAX_RECORD_SIZE'
          ? `the record is longer than ${MAX_RECORD_BYTES / 2 ** 20} MiB (a quote that is never closed swallows the rest of the file)`
          : error.message;
  return { code: code === 'CSV_QUOTE_NOT_CLOSED' ? 'cut-short' : code === 'CSV_MAX_RECORD_SIZE' ? 'too-long' : 'invalid-csv', field: null, message };
}

/** Column names from the header: trimmed; unnamed columns (a pandas index) become column_N; repeats are refused. */
function columnNames(path: string, header: readonly string[]): string[] {
  const names = header.map((name, i) => name.trim() || `column_${i + 1}`);
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const earlier = seen.get(name);
    if (earlier !== undefined) throw new DatasetFileError(path, `columns ${earlier + 1} and ${i + 1} of the header are both named "${name}"`, 'rename one of them');
    seen.set(name, i);
  });
  return names;
}

function countNewlines(fields: readonly string[]): number {
  let n = 0;
  for (const field of fields) for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) n += 1;
  return n;
}

export async function* readCsv(path: string, progress: ReadProgress, delimiter: string): AsyncGenerator<SourceRecord> {
  const tracker = new LineTracker();
  const skipped: { at: number; problem: Problem }[] = [];
  const parser = parse({
    bom: true,
    delimiter,
    info: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (error) => {
      if (error) skipped.push({ at: parser.info.bytes, problem: csvProblem(error) });
      return undefined;
    },
  });
  const input = createReadStream(path, { highWaterMark: 1 << 20 }).on('data', (chunk) => (progress.bytes += chunk.length));
  const flowing = pipeline(input, tracker, parser);
  // pipeline rejects with the same error the iteration below throws; that one is the one reported.
  flowing.catch(() => undefined);

  let header: string[] | null = null;
  let row = 0;
  const skippedBefore = function* (offset: number): Generator<SourceRecord> {
    while (skipped.length > 0 && skipped[0]!.at < offset) {
      const { at, problem } = skipped.shift()!;
      yield { row: ++row, line: tracker.newlinesBefore(at) + 1, problem };
    }
  };

  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
    yield* skippedBefore(info.bytes);
    // info.bytes is the offset just past the record (and its newline, when it has one).
    tracker.newlinesBefore(info.bytes - 1);
    const terminated = tracker.newlineAt(info.bytes - 1);
    const lastLine = tracker.newlinesBefore(terminated ? info.bytes - 1 : info.bytes) + 1;
    const line = lastLine - countNewlines(record);
    const badLine = tracker.badLineIn(line, lastLine);
    if (header === null) {
      if (badLine !== null) throw new DatasetFileError(path, 'the header line is not valid UTF-8', 'save the file as UTF-8');
      header = columnNames(path, record);
      continue;
    }
    row += 1;
    if (badLine !== null) {
      yield { row, line, problem: { code: 'invalid-utf8', field: null, message: `line ${badLine} is not valid UTF-8 (save the file as UTF-8)` } };
    } else if (record.length !== header.length) {
      const problem: Problem = {
        code: 'field-count',
        field: null,
        message: `the record has ${record.length} field(s) but the header names ${header.length} (an unquoted "${delimiter === '\t' ? '\\t' : delimiter}" inside a field? quote the field)`,
      };
      yield { row, line, problem };
    } else {
      const fields: RowFields = {};
      header.forEach((name, i) => (fields[name] = record[i]));
      yield { row, line, fields };
    }
  }
  yield* skippedBefore(Infinity);
  if (header === null) throw new DatasetFileError(path, 'the file is empty: a CSV file needs a header row naming its columns, then one row per example');
}
