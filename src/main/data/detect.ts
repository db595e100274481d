/**
 * Which format a file is in, from a sample of its first rows: each row is classified by the
 * fields it has, the most common format wins, and the report says how sure that is (the share
 * of sampled rows in it) and why (counts per format, keys of rows that match none, the labels of
 * a classification set). A user-given format is reported with the same evidence.
 */
import { FORMATS, type Format } from './formats';
import type { RowFields } from './readers/record';

export interface Detection {
  /** null when no sampled row is in any known format. */
  format: Format | null;
  /** Share of sampled rows in `format`, 0..1. */
  confidence: number;
  /** Set by the user (--format) rather than detected. */
  given: boolean;
  /** Rows sampled (readable rows among the first ones). */
  sampled: number;
  /** Sampled rows per format. */
  counts: Partial<Record<Format, number>>;
  evidence: string[];
}

/** Rows read before deciding the format. */
export const SAMPLE_ROWS = 200;

/** The first item of a list-valued field (a JSON string from a CSV cell included), if it is an object. */
function firstItem(value: unknown): Record<string, unknown> | null {
  let list = value;
  if (typeof list === 'string' && list.trimStart().startsWith('[')) {
    try {
      list = JSON.parse(list);
    } catch {
      return null;
    }
  }
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  return typeof first === 'object' && first !== null && !Array.isArray(first) ? (first as Record<string, unknown>) : null;
}

const has = (row: RowFields, key: string): boolean => row[key] !== undefined && row[key] !== null;

/**
 * The format a row's fields say it is in, most specific first: a row with "text" and "label" is
 * classification, not plain text; messages are chat or ShareGPT by the keys of their items.
 */
export function classifyRow(row: RowFields): Format | null {
  if (has(row, 'input_ids')) return 'pretokenized';
  const turns = firstItem(row.messages) ?? firstItem(row.conversations);
  if (turns && 'role' in turns) return 'chat';
  if (turns && 'from' in turns) return 'sharegpt';
  if (has(row, 'instruction') && has(row, 'output')) return 'alpaca';
  if (has(row, 'prompt') && has(row, 'completion')) return 'prompt-completion';
  if (has(row, 'text') && has(row, 'label')) return 'classification';
  if (has(row, 'text')) return 'text';
  return null;
}

function share(n: number, total: number): string {
  return `${n} of ${total} sampled row${total === 1 ? '' : 's'}`;
}

/** Distinct labels of a classification sample: few distinct values is what a class column looks like. */
function labelEvidence(rows: readonly RowFields[]): string {
  const labels = new Map<string, number>();
  for (const row of rows) if (classifyRow(row) === 'classification') labels.set(String(row.label), (labels.get(String(row.label)) ?? 0) + 1);
  const top = [...labels.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return `"label" takes ${labels.size} distinct value${labels.size === 1 ? '' : 's'} in the sample (${top.map(([label, n]) => `${JSON.stringify(label)} ×${n}`).join(', ')}${labels.size > 5 ? ', …' : ''})`;
}

export function detectFormat(rows: readonly RowFields[], given: Format | null): Detection {
  const counts: Partial<Record<Format, number>> = {};
  const unknownKeys = new Map<string, number>();
  let unknown = 0;
  for (const row of rows) {
    const format = classifyRow(row);
    if (format) counts[format] = (counts[format] ?? 0) + 1;
    else {
      unknown += 1;
      for (const key of Object.keys(row)) unknownKeys.set(key, (unknownKeys.get(key) ?? 0) + 1);
    }
  }
  const ranked = (Object.entries(counts) as [Format, number][]).sort((a, b) => b[1] - a[1]);
  const format = given ?? ranked[0]?.[0] ?? null;
  const sampled = rows.length;
  const evidence: string[] = [];
  if (given) evidence.push(`format given as ${given} (${FORMATS[given].name}), not detected`);
  for (const [found, n] of ranked) evidence.push(`${share(n, sampled)} ${n === 1 ? 'is' : 'are'} ${FORMATS[found].name} (${FORMATS[found].fields})`);
  if (unknown > 0) {
    const keys = [...unknownKeys.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([key]) => `"${key}"`);
    evidence.push(`${share(unknown, sampled)} ${unknown === 1 ? 'matches' : 'match'} no format; their fields: ${keys.join(', ') || 'none'}`);
  }
  if (format === 'classification' && counts.classification) evidence.push(labelEvidence(rows));
  if (ranked.length > 1) evidence.push(`the file mixes ${ranked.length} formats; rows not in ${format ? FORMATS[format].name : 'the chosen format'} will be reported`);
  if (sampled === 0) evidence.push('no readable row among the first rows of the file');
  const confidence = format && sampled > 0 ? (counts[format] ?? 0) / sampled : 0;
  return { format, confidence, given: given !== null, sampled, counts, evidence };
}
