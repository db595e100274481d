/**
 * What can be wrong with a row of a dataset, and where. Every issue names its row (and the line
 * it starts on, where the file has lines), the field, and what was expected, so the CLI and the
 * UI show the same facts. The code decides the severity: an error makes the row unusable and
 * stops training; a warning is worth knowing but the row (or the run) goes ahead.
 */

export interface Position {
  /** 1-based index of the record among the file's records (headers and blank lines not counted). */
  row: number;
  /** 1-based line the record starts on; null where the file has no lines (Parquet). */
  line: number | null;
}

/** One row per code, read as "code: severity, meaning". */
export const ISSUE_SEVERITY = {
  'invalid-json': 'error', // the line or element is not JSON
  'invalid-csv': 'error', // broken quoting in a CSV record
  'invalid-utf8': 'error', // bytes that are not UTF-8 text
  'cut-short': 'error', // the file ends inside this record
  'too-long': 'error', // a record beyond the reader's size limit
  'not-an-object': 'error', // a JSON row that is not {...}
  'field-count': 'error', // a CSV record with more or fewer fields than the header
  'missing-field': 'error',
  'wrong-type': 'error',
  empty: 'error', // a field that must hold text is empty
  'unknown-role': 'error', // a chat turn whose role we cannot map
  'no-assistant': 'error', // a conversation with nothing to learn
  'turn-order': 'error', // the assistant speaks before any user turn
  'token-range': 'error', // a pre-tokenized id outside the vocabulary
  template: 'error', // the chat template could not render or delimit the row
  'wrong-format': 'error', // the row is in another format than the dataset
  'trailing-turn': 'warning', // turns after the last assistant turn, left out
  'no-end-of-turn': 'warning', // the template closes assistant turns with no end token
  truncated: 'warning', // longer than the max length: the tail is dropped
  'no-supervised-tokens': 'warning', // nothing to learn within the max length: the row is left out
  duplicate: 'warning', // the same content as an earlier row
  overlap: 'warning', // a validation row that is also a training row
} as const satisfies Record<string, 'error' | 'warning'>;

export type IssueCode = keyof typeof ISSUE_SEVERITY;
export type Severity = (typeof ISSUE_SEVERITY)[IssueCode];

/** A problem before it has a place: what a reader or a converter finds in one record. */
export interface Problem {
  code: IssueCode;
  /** The field as the user wrote it ("messages[2].content", or a CSV column); null for the whole row. */
  field: string | null;
  message: string;
}

export interface RowIssue extends Position, Problem {
  severity: Severity;
}

/** Thrown inside a converter to reject the row at hand; caught at the row boundary. */
export class RowProblem extends Error {
  override name = 'RowProblem';
  constructor(
    readonly code: IssueCode,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }

  get problem(): Problem {
    return { code: this.code, field: this.field, message: this.message };
  }
}

/** Issues listed per severity; past this only counts are kept, so a broken 1 GB file cannot exhaust memory. */
export const MAX_LISTED_ISSUES = 10_000;

/** Collects issues: every one counted, the first MAX_LISTED_ISSUES of each severity kept. */
export class IssueLog {
  readonly counts: Partial<Record<IssueCode, number>> = {};
  readonly #listed: RowIssue[] = [];
  readonly #listedBySeverity: Record<Severity, number> = { error: 0, warning: 0 };
  #omitted = 0;

  add(position: Position, problem: Problem): void {
    const severity = ISSUE_SEVERITY[problem.code];
    this.counts[problem.code] = (this.counts[problem.code] ?? 0) + 1;
    if (this.#listedBySeverity[severity] >= MAX_LISTED_ISSUES) {
      this.#omitted += 1;
      return;
    }
    this.#listedBySeverity[severity] += 1;
    this.#listed.push({ row: position.row, line: position.line, severity, ...problem });
  }

  /** Listed issues in file order (overlap warnings are found after the scan, so they are sorted in). */
  get listed(): RowIssue[] {
    return [...this.#listed].sort((a, b) => a.row - b.row);
  }

  get omitted(): number {
    return this.#omitted;
  }

  count(severity: Severity): number {
    let total = 0;
    for (const [code, n] of Object.entries(this.counts) as [IssueCode, number][]) if (ISSUE_SEVERITY[code] === severity) total += n;
    return total;
  }
}

/** "line 12" where the file has lines, else "row 12". */
export function describePosition(position: Position): string {
  return position.line === null ? `row ${position.row}` : `line ${position.line}`;
}
