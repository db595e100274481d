/**
 * The pre-flight report: everything wrong with a dataset, row by row, and what training on it
 * will look like, before any compute is spent. Plain JSON, so the CLI prints it with --json, the
 * UI shows it, and the store keeps it with the dataset.
 */
import type { Detection } from './detect';
import type { FileType } from './file-type';
import { ISSUE_SEVERITY, type IssueCode, type RowIssue } from './issues';
import type { ScannedFile } from './scan';
import type { TokenStats } from './token-stats';

export interface FileCheck {
  file: string;
  fileType: FileType;
  /** Why the file was read as `fileType`. */
  fileTypeEvidence: string;
  detection: Detection;
  rows: {
    total: number;
    valid: number;
    invalid: number;
    /** Valid rows with something to learn within the max length: what training uses. */
    usable: number;
  };
  /** null without a tokenizer (except for pre-tokenized files). */
  tokens: TokenStats | null;
  /** Rows with the same content as an earlier row. */
  duplicates: number;
  errors: number;
  warnings: number;
  /** Every issue counted by code, listed or not. */
  issueCounts: Partial<Record<IssueCode, number>>;
  /** In file order; the first MAX_LISTED_ISSUES of each severity. */
  issues: RowIssue[];
  omittedIssues: number;
}

export interface SplitReport {
  /** 'split': held out of the training file, seeded; 'file': a validation file of its own. */
  source: 'split' | 'file';
  fraction: number | null;
  seed: number | null;
  trainRows: number;
  validationRows: number;
  /** Validation rows whose content is also a training row's. */
  overlapRows: number;
}

export interface StepEstimate {
  batchSize: number;
  gradAccum: number;
  /** Optimizer steps for one pass over the training rows. */
  stepsPerEpoch: number;
  /** Learned tokens in one pass over the training rows, after truncation; null without a tokenizer. */
  supervisedTokensPerEpoch: number | null;
}

export interface DatasetReport {
  /** No errors (or every row with one left out, as asked): training can start. */
  ok: boolean;
  /** Rows with errors that training leaves out (the dropInvalidRows read option); 0 when none are. */
  invalidRowsLeftOut: number;
  /** How conversations were rendered: the model's chat template or the plain one; null without a model. */
  template: 'model' | 'plain' | null;
  train: FileCheck;
  validation: FileCheck | null;
  split: SplitReport;
  estimate: StepEstimate;
}

export function fileCheck(scanned: ScannedFile): FileCheck {
  const { log } = scanned;
  const counts = log.counts;
  return {
    file: scanned.file,
    fileType: scanned.fileType.type,
    fileTypeEvidence: scanned.fileType.evidence,
    detection: scanned.detection,
    rows: { ...scanned.rows, usable: scanned.usable.count },
    tokens: scanned.tokens,
    duplicates: counts.duplicate ?? 0,
    errors: log.count('error'),
    warnings: log.count('warning'),
    issueCounts: { ...counts },
    issues: log.listed,
    omittedIssues: log.omitted,
  };
}

/** Issues of one severity, for callers that act on errors only. */
export function issuesOf(check: FileCheck, severity: RowIssue['severity']): RowIssue[] {
  return check.issues.filter((issue) => ISSUE_SEVERITY[issue.code] === severity);
}
