/** The pre-flight report in words, for the CLI (the UI renders the same fields from the JSON). */
import { issueLocation } from './errors';
import { FORMATS } from './formats';
import type { RowIssue } from './issues';
import type { DatasetReport, FileCheck } from './report';

const n = (value: number) => value.toLocaleString('en-US');
const plural = (count: number, word: string) => `${n(count)} ${word}${count === 1 ? '' : 's'}`;

function issueLines(file: string, issues: readonly RowIssue[], total: number, limit: number, title: string): string[] {
  if (total === 0) return [];
  const shown = issues.slice(0, limit).map((issue) => `  ${issueLocation(file, issue)}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`);
  const more = total > shown.length ? [`  … and ${n(total - shown.length)} more`] : [];
  return [`${title} (${n(total)}):`, ...shown, ...more];
}

function fileLines(check: FileCheck, limit: number): string[] {
  const { detection, rows, tokens } = check;
  const lines = [`${check.file}: ${check.fileTypeEvidence}`];
  if (detection.format) {
    const how = detection.given ? 'given' : 'detected';
    lines.push(`Format: ${FORMATS[detection.format].name} (${how}; ${Math.round(detection.confidence * 100)}% of ${plural(detection.sampled, 'sampled row')} match)`);
  } else {
    lines.push('Format: none (no readable row)');
  }
  for (const evidence of detection.evidence) lines.push(`  - ${evidence}`);
  lines.push(`Rows: ${n(rows.total)} read, ${n(rows.valid)} valid, ${n(rows.invalid)} with errors, ${n(rows.usable)} usable for training`);
  if (tokens) {
    lines.push(
      `Tokens per row (max length ${n(tokens.maxLength)}): p50 ${n(tokens.p50)}, p90 ${n(tokens.p90)}, p99 ${n(tokens.p99)}, max ${n(tokens.max)}; ` +
        `${plural(tokens.truncatedRows, 'row')} truncated, ${plural(tokens.zeroSupervisedRows, 'row')} with nothing to learn`,
    );
  }
  if (check.duplicates > 0) lines.push(`Duplicates: ${plural(check.duplicates, 'row')} ${check.duplicates === 1 ? 'repeats' : 'repeat'} an earlier row exactly`);
  const errors = check.issues.filter((issue) => issue.severity === 'error');
  const warnings = check.issues.filter((issue) => issue.severity === 'warning');
  return [...lines, ...issueLines(check.file, errors, check.errors, limit, 'Errors'), ...issueLines(check.file, warnings, check.warnings, limit, 'Warnings')];
}

/** Issues beyond `limit` per severity are counted, not listed. */
export function describeReport(report: DatasetReport, limit = 20): string {
  const lines = fileLines(report.train, limit);
  if (report.validation) lines.push('', ...fileLines(report.validation, limit));
  lines.push('');
  if (report.template) lines.push(`Conversations rendered with ${report.template === 'model' ? "the model's chat template" : 'the plain template (the model has no chat template)'}`);
  else lines.push('No model given: rows were checked for structure only (give --model for token lengths and label masks)');
  const { split, estimate } = report;
  lines.push(
    split.source === 'split'
      ? `Validation: ${plural(split.validationRows, 'row')} held out (${Math.round((split.fraction ?? 0) * 1000) / 10}%, seed ${split.seed}), ${plural(split.trainRows, 'row')} for training`
      : `Validation: ${plural(split.validationRows, 'row')} from ${report.validation!.file}, ${plural(split.trainRows, 'row')} for training`,
  );
  if (split.overlapRows > 0) lines.push(`Overlap: ${plural(split.overlapRows, 'validation row')} also in training`);
  lines.push(
    `Estimate: ${plural(estimate.stepsPerEpoch, 'step')} per epoch (batch ${estimate.batchSize} × accumulation ${estimate.gradAccum})` +
      (estimate.supervisedTokensPerEpoch !== null ? `, ${n(estimate.supervisedTokensPerEpoch)} learned tokens per epoch` : ''),
  );
  const leftOut = report.invalidRowsLeftOut > 0 ? ` (${plural(report.invalidRowsLeftOut, 'row')} with errors left out; the file is unchanged)` : '';
  lines.push(report.ok ? `Ready to train${leftOut}.` : `Not ready: ${notReadyReason(report)}`);
  return lines.join('\n');
}

function notReadyReason(report: DatasetReport): string {
  if (report.invalidRowsLeftOut === 0 && (report.train.errors > 0 || (report.validation?.errors ?? 0) > 0)) return 'fix the errors above (every row with an error is listed with its line or row).';
  const tokens = report.train.tokens;
  const longer = tokens ? ` (the longest row has ${n(tokens.max)} tokens, p99 ${n(tokens.p99)})` : '';
  return `no row is left to train on: raise --max-length${longer}, or bring rows whose answers start sooner.`;
}
