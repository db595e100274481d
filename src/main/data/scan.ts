/**
 * One pass over one data file: read, detect the format from the first rows, convert and
 * tokenize every row, and note everything wrong with it. Memory is bounded by what is kept per
 * row (a few integers and a hash entry, plus the examples themselves when training asks for
 * them), never by the file: a 1 GB file is checked in a few hundred MB of heap.
 */
import { convertRow } from './convert';
import type { DataTokenizer } from './data-tokenizer';
import { classifyRow, detectFormat, SAMPLE_ROWS, type Detection } from './detect';
import { DuplicateIndex } from './duplicates';
import { DatasetFileError } from './errors';
import { applyColumns } from './fields';
import type { FileTypeGuess } from './file-type';
import { FORMAT_NAMES, FORMATS, type CanonicalRow, type ColumnMapping, type Format } from './formats';
import { IntList } from './int-list';
import { describePosition, IssueLog, RowProblem, type Position, type Problem } from './issues';
import type { SourceRecord } from './readers/record';
import type { TextUnit } from './readers/txt';
import { openSource } from './source';
import { lengthPercentiles, type TokenStats } from './token-stats';
import { toExample } from './to-example';
import { IGNORE_INDEX, supervisedTokenCount, truncateExample, type TrainingExample } from '../engine/train/examples';

export interface ScanProgress {
  rows: number;
  bytes: number;
  totalBytes: number;
}

export interface DatasetOptions {
  /** Skip detection and read every row as this format. */
  format?: Format;
  /** Our field names -> the file's columns. */
  columns?: ColumnMapping;
  /** How a .txt file is cut into rows. */
  textUnit?: TextUnit;
  /** Without one, rows are checked for structure only (pre-tokenized rows still get token statistics). */
  tokenizer?: DataTokenizer | null;
  /** Tokens per row in training: longer rows lose their tail. */
  maxLength: number;
  onProgress?: (progress: ScanProgress) => void;
}

/** Rows that passed every check, in file order: where they are, and which of them training uses. */
export interface ValidRows {
  count: number;
  rows: IntList;
  /** Line of each, -1 where the file has no lines. */
  lines: IntList;
  /** Index among the usable rows, or -1 for a row with nothing to learn within the max length. */
  usable: IntList;
}

/** The valid rows with something to learn: what training uses, in file order. */
export interface UsableRows {
  count: number;
  /** Index of each among the valid rows. */
  valid: IntList;
  /** Learned tokens after truncation; 0 when not tokenized. */
  supervised: IntList;
  /** Index (among valid rows) of the first row with the same content: equal rows share it. */
  group: IntList;
}

export interface ScannedFile {
  file: string;
  fileType: FileTypeGuess;
  detection: Detection;
  log: IssueLog;
  rows: { total: number; valid: number; invalid: number };
  tokens: TokenStats | null;
  valid: ValidRows;
  usable: UsableRows;
  /** The valid rows' content, for duplicates here and overlap with a validation file. */
  index: DuplicateIndex;
  /** The usable rows' examples, in order; kept only when asked (for training). */
  examples: TrainingExample[] | null;
  /** Usable rows equal to a usable row of the reference file: their position, and the reference's valid index. */
  overlaps: { position: Position; match: number }[];
}

export function validPosition(valid: ValidRows, index: number): Position {
  const line = valid.lines.get(index);
  return { row: valid.rows.get(index), line: line < 0 ? null : line };
}

export function usablePosition(scanned: Pick<ScannedFile, 'valid' | 'usable'>, index: number): Position {
  return validPosition(scanned.valid, scanned.usable.valid.get(index));
}

/** A stable text of a row's content, what "exact duplicate" compares. */
function contentKey(row: CanonicalRow): string {
  if (row.kind === 'conversation') return JSON.stringify(row.turns.map((turn) => [turn.role, turn.content, turn.learn]));
  if (row.kind === 'text') return `text\u0000${row.text}`;
  return `tokens\u0000${row.inputIds.join(',')}\u0000${row.labels.join(',')}`;
}

function firstLearned(example: TrainingExample): number {
  for (let t = 1; t < example.labels.length; t++) if (example.labels[t] !== IGNORE_INDEX) return t;
  return -1;
}

type ReadableRecord = Extract<SourceRecord, { fields: unknown }>;
type ProblemRecord = Extract<SourceRecord, { problem: unknown }>;

/**
 * The first readable rows, read ahead to decide the format. Problem records on the way are
 * handed to `onProblem` at once rather than held, so a file that starts with a million bad
 * lines costs no memory here.
 */
async function readSample(records: AsyncIterator<SourceRecord>, onProblem: (record: ProblemRecord) => void): Promise<{ buffered: ReadableRecord[]; done: boolean }> {
  const buffered: ReadableRecord[] = [];
  while (buffered.length < SAMPLE_ROWS) {
    const next = await records.next();
    if (next.done) return { buffered, done: true };
    if ('fields' in next.value) buffered.push(next.value);
    else onProblem(next.value);
  }
  return { buffered, done: false };
}

function checkMapping(path: string, mapping: ColumnMapping, sample: readonly ReadableRecord[]): void {
  const seen = new Set<string>();
  for (const record of sample) for (const key of Object.keys(record.fields)) seen.add(key);
  for (const [field, column] of Object.entries(mapping)) {
    if (!seen.has(column)) {
      throw new DatasetFileError(path, `column "${column}" (given for "${field}") is in none of the first rows`, `the rows have: ${[...seen].slice(0, 12).map((k) => `"${k}"`).join(', ') || 'no fields'}`);
    }
  }
}

function noFormatError(path: string, detection: Detection): DatasetFileError {
  const formats = FORMAT_NAMES.map((format) => `${format} (${FORMATS[format].fields})`).join('; ');
  return new DatasetFileError(path, `no row among the first ${detection.sampled} is in a known format: ${detection.evidence.join('; ')}`, `expected one of: ${formats}; or name the columns with --columns, e.g. prompt=question,completion=answer`);
}

export async function scanFile(path: string, options: DatasetOptions, keepExamples: boolean, reference: ScannedFile | null = null): Promise<ScannedFile> {
  const mapping = options.columns ?? {};
  const tokenizer = options.tokenizer ?? null;
  const { maxLength } = options;
  const source = await openSource(path, options.textUnit);
  const iterator = source.records[Symbol.asyncIterator]();
  const log = new IssueLog();
  const rows = { total: 0, valid: 0, invalid: 0 };
  const reportProblem = (record: ProblemRecord) => {
    rows.total += 1;
    rows.invalid += 1;
    log.add({ row: record.row, line: record.line }, record.problem);
  };

  const sample = await readSample(iterator, reportProblem);
  checkMapping(path, mapping, sample.buffered);
  const detection = detectFormat(
    sample.buffered.map((record) => applyColumns(record.fields, mapping)),
    options.format ?? null,
  );
  const format = detection.format;
  // No readable row in the whole file: nothing to detect, and every row is already reported.
  if (format === null && detection.sampled > 0) throw noFormatError(path, detection);

  const valid: ValidRows = { count: 0, rows: new IntList(), lines: new IntList(), usable: new IntList() };
  const usable: UsableRows = { count: 0, valid: new IntList(), supervised: new IntList(), group: new IntList() };
  const index = new DuplicateIndex();
  const lengths = new IntList();
  const examples: TrainingExample[] | null = keepExamples ? [] : null;
  const overlaps: { position: Position; match: number }[] = [];
  let truncatedRows = 0;
  let zeroSupervisedRows = 0;
  let supervisedTokens = 0;
  let openEndedSeen = false;

  const reject = (position: Position, fields: Record<string, unknown>, problem: Problem) => {
    rows.invalid += 1;
    // A row in another format than the file's is the likelier story than its missing field.
    const own = detection.given ? null : classifyRow(fields);
    if (own && own !== format && format) {
      const why = `this row is ${FORMATS[own].name} (${FORMATS[own].fields}), but the file is ${FORMATS[format].name} (${Math.round(detection.confidence * 100)}% of the first rows); a dataset holds one format`;
      log.add(position, { code: 'wrong-format', field: null, message: `${why} [as ${format}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}]` });
    } else {
      log.add(position, problem);
    }
  };

  const handle = (record: SourceRecord) => {
    if ('problem' in record) return reportProblem(record);
    rows.total += 1;
    const position: Position = { row: record.row, line: record.line };
    const fields = applyColumns(record.fields, mapping);
    const warnings: Problem[] = [];
    let canonical: CanonicalRow;
    let tokenized: ReturnType<typeof toExample>;
    try {
      canonical = convertRow(format!, fields, { mapping, vocabSize: tokenizer?.vocabSize ?? null, warn: (problem) => warnings.push(problem) });
      tokenized = toExample(canonical, tokenizer);
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      reject(position, fields, error.problem);
      return;
    }
    rows.valid += 1;
    for (const warning of warnings) log.add(position, warning);

    const v = valid.count++;
    valid.rows.push(record.row);
    valid.lines.push(record.line ?? -1);
    const key = contentKey(canonical);
    const first = index.add(key, v);
    if (first !== -1) log.add(position, { code: 'duplicate', field: null, message: `the same content as ${describePosition(validPosition(valid, first))}` });

    let supervised = 0;
    if (tokenized) {
      const { example } = tokenized;
      const length = example.inputIds.length;
      lengths.push(length);
      if (tokenized.openEnded && !openEndedSeen) {
        openEndedSeen = true;
        log.add(position, { code: 'no-end-of-turn', field: null, message: 'the chat template writes no end-of-turn token after assistant turns, so the model will not learn to stop (said once for the file)' });
      }
      supervised = supervisedTokenCount(truncateExample(example, maxLength));
      if (length > maxLength) truncatedRows += 1;
      if (supervised === 0) {
        zeroSupervisedRows += 1;
        valid.usable.push(-1);
        const learned = firstLearned(example);
        log.add(position, {
          code: 'no-supervised-tokens',
          field: null,
          message: learned >= maxLength ? `nothing to learn within the max length ${maxLength}: the answer starts at token ${learned + 1} of ${length}; the row is left out` : 'no token is learned in this row; it is left out',
        });
        return;
      }
      if (length > maxLength) log.add(position, { code: 'truncated', field: null, message: `${length} tokens, more than the max length ${maxLength}: the last ${length - maxLength} are not trained on` });
      supervisedTokens += supervised;
    }

    const u = usable.count++;
    valid.usable.push(u);
    usable.valid.push(v);
    usable.supervised.push(supervised);
    usable.group.push(first === -1 ? v : first);
    if (reference) {
      const match = reference.index.find(key);
      if (match !== -1 && reference.valid.usable.get(match) !== -1) overlaps.push({ position, match });
    }
    if (examples && tokenized) examples.push(tokenized.example);
  };

  const report = () => options.onProgress?.({ rows: rows.total, bytes: source.progress.bytes, totalBytes: source.totalBytes });
  for (const record of sample.buffered) handle(record);
  if (!sample.done) {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      handle(next.value);
      if (rows.total % 1000 === 0) report();
    }
  }
  report();
  if (rows.total === 0) throw new DatasetFileError(path, 'the file holds no rows');

  const tokens: TokenStats | null =
    lengths.length > 0 || (tokenizer && rows.valid === 0) ? { maxLength, ...lengthPercentiles(lengths.toArray()), truncatedRows, zeroSupervisedRows, supervisedTokens } : null;
  return { file: path, fileType: source.fileType, detection, log, rows, tokens, valid, usable, index, examples, overlaps };
}
