/**
 * One pass over one data file: read, detect the format from the first rows, convert and
 * tokenize every row, and note everything wrong with it in a RowLedger. Memory is bounded by
 * what the ledger keeps per row, never by the file: a 200 MB file is checked in about 33 MB of
 * heap (tests/unit/data/streaming.test.ts).
 */
import { convertRow } from './convert';
import type { DataTokenizer } from './data-tokenizer';
import { classifyRow, detectFormat, SAMPLE_ROWS, type Detection } from './detect';
import type { DuplicateIndex } from './duplicates';
import { DatasetFileError } from './errors';
import { applyColumns } from './fields';
import type { FileTypeGuess } from './file-type';
import { FORMAT_NAMES, FORMATS, type ColumnMapping, type Format } from './formats';
import { RowProblem, type IssueLog, type Position, type Problem } from './issues';
import type { RowFields, SourceRecord } from './readers/record';
import type { TextUnit } from './readers/txt';
import type { SampledRow } from './render-preview';
import { RowLedger, type UsableRows, type ValidRows } from './row-ledger';
import { openSource } from './source';
import type { TokenStats } from './token-stats';
import { toExample } from './to-example';
import type { TrainingExample } from '../engine/train/examples';

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
  /** The first few valid rows, for a preview. */
  samples: SampledRow[];
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

/** A row in another format than the file's is the likelier story than its missing field. */
function explain(problem: Problem, fields: RowFields, detection: Detection, format: Format): Problem {
  const own = detection.given ? null : classifyRow(fields);
  if (!own || own === format) return problem;
  const why = `this row is ${FORMATS[own].name} (${FORMATS[own].fields}), but the file is ${FORMATS[format].name} (${Math.round(detection.confidence * 100)}% of the first rows); a dataset holds one format`;
  return { code: 'wrong-format', field: null, message: `${why} [as ${format}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}]` };
}

export async function scanFile(path: string, options: DatasetOptions, keepExamples: boolean, reference: ScannedFile | null = null): Promise<ScannedFile> {
  const mapping = options.columns ?? {};
  const tokenizer = options.tokenizer ?? null;
  const source = await openSource(path, options.textUnit);
  const records = source.records[Symbol.asyncIterator]();
  const ledger = new RowLedger(options.maxLength, keepExamples, reference);
  const rejectRecord = (record: ProblemRecord) => ledger.reject({ row: record.row, line: record.line }, record.problem);

  const sample = await readSample(records, rejectRecord);
  checkMapping(path, mapping, sample.buffered);
  const detection = detectFormat(
    sample.buffered.map((record) => applyColumns(record.fields, mapping)),
    options.format ?? null,
  );
  const format = detection.format;
  // No readable row in the whole file: nothing to detect, and every row is already reported.
  if (format === null && detection.sampled > 0) throw noFormatError(path, detection);

  const handle = (record: SourceRecord) => {
    if ('problem' in record) return rejectRecord(record);
    const position: Position = { row: record.row, line: record.line };
    const fields = applyColumns(record.fields, mapping);
    const warnings: Problem[] = [];
    try {
      const canonical = convertRow(format!, fields, { mapping, vocabSize: tokenizer?.vocabSize ?? null, warn: (problem) => warnings.push(problem) });
      ledger.accept(position, canonical, toExample(canonical, tokenizer), warnings);
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      ledger.reject(position, explain(error.problem, fields, detection, format!));
    }
  };

  const progress = () => options.onProgress?.({ rows: ledger.rows.total, bytes: source.progress.bytes, totalBytes: source.totalBytes });
  for (const record of sample.buffered) handle(record);
  if (!sample.done) {
    for (let next = await records.next(); !next.done; next = await records.next()) {
      handle(next.value);
      if (ledger.rows.total % 1000 === 0) progress();
    }
  }
  progress();
  if (ledger.rows.total === 0) throw new DatasetFileError(path, 'the file holds no rows');

  const { log, rows, valid, usable, index, examples, overlaps, samples } = ledger;
  const tokens = ledger.tokenStats(tokenizer !== null);
  return { file: path, fileType: source.fileType, detection, log, rows, tokens, valid, usable, index, examples, overlaps, samples };
}
