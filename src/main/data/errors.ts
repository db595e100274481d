/**
 * Errors of the data layer. A file that cannot be read as a dataset at all is a
 * DatasetFileError; rows that cannot be trained on are a DatasetRowsError carrying every listed
 * issue, so the CLI and the UI can show them row by row.
 */
import { describePosition, type RowIssue } from './issues';

/** The file as a whole cannot be read as a dataset (unknown type, not a list of rows, unsupported compression...). */
export class DatasetFileError extends Error {
  override name = 'DatasetFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly hint?: string,
  ) {
    super(`${file}: ${problem}${hint ? ` (${hint})` : ''}`);
  }
}

/** Rows with errors: training refuses to start until they are fixed. */
export class DatasetRowsError extends Error {
  override name = 'DatasetRowsError';
  constructor(
    readonly file: string,
    /** Error rows as listed by the check (the first MAX_LISTED_ISSUES). */
    readonly issues: readonly RowIssue[],
    /** All error rows, listed or not. */
    readonly errorCount: number,
  ) {
    super(describeRowErrors(file, issues, errorCount));
  }
}

/** "N row(s) of FILE cannot be used:" and one line per issue, "FILE:LINE: field: message". */
export function describeRowErrors(file: string, issues: readonly RowIssue[], errorCount: number, limit = 10): string {
  const shown = issues.slice(0, limit).map((issue) => `  ${issueLocation(file, issue)}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`);
  const more = errorCount > shown.length ? [`  … and ${errorCount - shown.length} more (run \`hyperadapt data check\` for the full list)`] : [];
  return [`${errorCount} row(s) of ${file} cannot be used:`, ...shown, ...more].join('\n');
}

/** FILE:LINE where there are lines (editors jump there), else "FILE row N". */
export function issueLocation(file: string, issue: RowIssue): string {
  return issue.line === null ? `${file} ${describePosition(issue)}` : `${file}:${issue.line}`;
}
