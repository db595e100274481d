/**
 * What a scan keeps about each row: counts, every issue, and, per valid row, a few integers
 * (where it is, what it teaches, which earlier row it repeats) plus a hash entry. This is all a
 * scan's memory, whatever the file's size, except the examples themselves when training asks.
 */
import { DuplicateIndex } from './duplicates';
import type { CanonicalRow } from './formats';
import { IntList } from './int-list';
import { describePosition, IssueLog, type Position, type Problem } from './issues';
import { lengthHistogram } from './length-histogram';
import { PREVIEW_ROWS, type SampledRow } from './render-preview';
import { lengthPercentiles, type TokenStats } from './token-stats';
import type { Tokenized } from './to-example';
import { IGNORE_INDEX, supervisedTokenCount, truncateExample, type TrainingExample } from '../engine/train/examples';

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

export function validPosition(valid: ValidRows, index: number): Position {
  const line = valid.lines.get(index);
  return { row: valid.rows.get(index), line: line < 0 ? null : line };
}

export function usablePosition(rows: { valid: ValidRows; usable: UsableRows }, index: number): Position {
  return validPosition(rows.valid, rows.usable.valid.get(index));
}

/** A stable text of a row's content: what "exact duplicate" compares. */
function contentKey(row: CanonicalRow): string {
  if (row.kind === 'conversation') return JSON.stringify(row.turns.map((turn) => [turn.role, turn.content, turn.learn]));
  if (row.kind === 'text') return `text\u0000${row.text}`;
  return `tokens\u0000${row.inputIds.join(',')}\u0000${row.labels.join(',')}`;
}

function firstLearned(example: TrainingExample): number {
  for (let t = 1; t < example.labels.length; t++) if (example.labels[t] !== IGNORE_INDEX) return t;
  return -1;
}

export class RowLedger {
  readonly log = new IssueLog();
  readonly rows = { total: 0, valid: 0, invalid: 0 };
  readonly valid: ValidRows = { count: 0, rows: new IntList(), lines: new IntList(), usable: new IntList() };
  readonly usable: UsableRows = { count: 0, valid: new IntList(), supervised: new IntList(), group: new IntList() };
  readonly index = new DuplicateIndex();
  /** Usable rows equal to a usable row of the reference file: their position, and the reference's valid index. */
  readonly overlaps: { position: Position; match: number }[] = [];
  readonly examples: TrainingExample[] | null;
  /** The first PREVIEW_ROWS valid rows, for the Data step's preview (one with nothing to learn shows why). */
  readonly samples: SampledRow[] = [];
  readonly #lengths = new IntList();
  #truncatedRows = 0;
  #zeroSupervisedRows = 0;
  #supervisedTokens = 0;
  #openEndedSeen = false;

  constructor(
    private readonly maxLength: number,
    keepExamples: boolean,
    /** The training file, when this one is its validation file: rows equal to one of its rows overlap. */
    private readonly reference: { index: DuplicateIndex; valid: ValidRows } | null,
  ) {
    this.examples = keepExamples ? [] : null;
  }

  /** A row that cannot be used. */
  reject(position: Position, problem: Problem): void {
    this.rows.total += 1;
    this.rows.invalid += 1;
    this.log.add(position, problem);
  }

  /** A row that passed every check; `tokenized` is null without a tokenizer. */
  accept(position: Position, canonical: CanonicalRow, tokenized: Tokenized | null, warnings: readonly Problem[]): void {
    this.rows.total += 1;
    this.rows.valid += 1;
    for (const warning of warnings) this.log.add(position, warning);
    const v = this.valid.count++;
    this.valid.rows.push(position.row);
    this.valid.lines.push(position.line ?? -1);
    const key = contentKey(canonical);
    const first = this.index.add(key, v);
    if (first !== -1) this.log.add(position, { code: 'duplicate', field: null, message: `the same content as ${describePosition(validPosition(this.valid, first))}` });

    if (this.samples.length < PREVIEW_ROWS) this.samples.push({ position, row: canonical, example: tokenized?.example ?? null });
    const supervised = tokenized ? this.#measure(position, tokenized) : 0;
    if (tokenized && supervised === 0) {
      this.valid.usable.push(-1);
      return;
    }
    const u = this.usable.count++;
    this.valid.usable.push(u);
    this.usable.valid.push(v);
    this.usable.supervised.push(supervised);
    this.usable.group.push(first === -1 ? v : first);
    const match = this.reference?.index.find(key) ?? -1;
    if (match !== -1 && this.reference!.valid.usable.get(match) !== -1) this.overlaps.push({ position, match });
    if (this.examples && tokenized) this.examples.push(tokenized.example);
  }

  /** Token statistics, or null when no row was tokenized (and none was meant to be). */
  tokenStats(tokenized: boolean): TokenStats | null {
    if (this.#lengths.length === 0 && !tokenized) return null;
    const lengths = this.#lengths.toArray();
    return {
      maxLength: this.maxLength,
      ...lengthPercentiles(lengths),
      truncatedRows: this.#truncatedRows,
      zeroSupervisedRows: this.#zeroSupervisedRows,
      supervisedTokens: this.#supervisedTokens,
      histogram: lengthHistogram(lengths, this.maxLength),
    };
  }

  /** Length and learned tokens of a tokenized row, with the warnings they call for; 0 leaves the row out. */
  #measure(position: Position, { example, openEnded }: Tokenized): number {
    const { maxLength } = this;
    const length = example.inputIds.length;
    this.#lengths.push(length);
    if (openEnded && !this.#openEndedSeen) {
      this.#openEndedSeen = true;
      this.log.add(position, { code: 'no-end-of-turn', field: null, message: 'the chat template writes no end-of-turn token after assistant turns, so the model will not learn to stop (said once for the file)' });
    }
    const supervised = supervisedTokenCount(truncateExample(example, maxLength));
    if (length > maxLength) this.#truncatedRows += 1;
    if (supervised === 0) {
      this.#zeroSupervisedRows += 1;
      const learned = firstLearned(example);
      this.log.add(position, {
        code: 'no-supervised-tokens',
        field: null,
        message: learned >= maxLength ? `nothing to learn within the max length ${maxLength}: the answer starts at token ${learned + 1} of ${length}; the row is left out` : 'no token is learned in this row; it is left out',
      });
      return 0;
    }
    if (length > maxLength) this.log.add(position, { code: 'truncated', field: null, message: `${length} tokens, more than the max length ${maxLength}: the last ${length - maxLength} are not trained on` });
    this.#supervisedTokens += supervised;
    return supervised;
  }
}
