/**
 * The pre-flight report as the Data step reads it. The library stores it as JSON
 * (DatasetRecord.report); its full type lives in src/main/data/report.ts, which imports Node
 * modules the renderer's typecheck cannot see, so the fields shown here are declared again and
 * checked on the way in.
 */
import type { JsonValue } from '../../../main/api/contract';

export interface ReportIssue {
  row: number;
  line: number | null;
  field: string | null;
  message: string;
  severity: 'error' | 'warning';
  code: string;
}

/** Row lengths binned (src/main/data/length-histogram.ts): bin i holds (edges[i], edges[i + 1]]. */
export interface ReportHistogram {
  edges: number[];
  counts: number[];
}

export interface ReportTokens {
  maxLength: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  truncatedRows: number;
  zeroSupervisedRows: number;
  /** Missing from reports stored by older versions. */
  histogram?: ReportHistogram;
}

export interface ReportFileCheck {
  file: string;
  fileTypeEvidence: string;
  detection: { format: string | null; confidence: number; given: boolean; sampled: number };
  rows: { total: number; valid: number; invalid: number; usable: number };
  tokens: ReportTokens | null;
  duplicates: number;
  errors: number;
  warnings: number;
  issues: ReportIssue[];
  omittedIssues: number;
}

export interface PreflightReport {
  ok: boolean;
  /** Rows with errors training leaves out (the dropInvalidRows read option); missing from older reports. */
  invalidRowsLeftOut?: number;
  train: ReportFileCheck;
  split: { source: 'split' | 'file'; trainRows: number; validationRows: number };
  estimate: { batchSize: number; gradAccum: number; stepsPerEpoch: number };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** null when the record holds no report, or one of another shape (an older version's). */
export function readReport(value: JsonValue | null): PreflightReport | null {
  if (!isObject(value) || typeof value['ok'] !== 'boolean' || !isObject(value['train']) || !isObject(value['split']) || !isObject(value['estimate'])) return null;
  const train = value['train'];
  if (!isObject(train['rows']) || !Array.isArray(train['issues']) || !isObject(train['detection'])) return null;
  return value as unknown as PreflightReport;
}
