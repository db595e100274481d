/**
 * Builds the Data step's preview of a row (preview.ts) from what the scan kept of it: with a
 * tokenizer, from the training example itself, so what is marked learned is exactly the tokens
 * whose label is not -100; without one, conversations through the plain template and its spans.
 */
import { IGNORE_INDEX, type TrainingExample } from '../engine/train/examples';
import { renderConversation } from './assistant-spans';
import type { DataTokenizer } from './data-tokenizer';
import type { CanonicalRow } from './formats';
import type { Position } from './issues';
import { plainTemplate } from './plain-template';
import type { PreviewSegment, RowPreview } from './preview';

/** Rows previewed: the first valid ones (a row left out for having nothing to learn shows why). */
export const PREVIEW_ROWS = 3;
/** Characters shown per row; the rest is clipped with "…" in the UI. */
export const PREVIEW_CHARS = 1500;
/** Tokens decoded per row at most: enough for PREVIEW_CHARS, bounded whatever the row's size. */
const PREVIEW_TOKENS = 1024;
/** The plain template's end token when no model is chosen (the model's own takes its place in training). */
export const PLACEHOLDER_EOS = '<eos>';

/** What the scan keeps of a row for its preview. */
export interface SampledRow {
  position: Position;
  row: CanonicalRow;
  /** The training example; null when the row was not tokenized (no model). */
  example: TrainingExample | null;
}

/** Adjacent segments of the same kind as one; the text cut at PREVIEW_CHARS. */
function clip(segments: readonly PreviewSegment[], clipped: boolean): { segments: PreviewSegment[]; clipped: boolean } {
  const out: PreviewSegment[] = [];
  let budget = PREVIEW_CHARS;
  for (const segment of segments) {
    if (segment.text === '') continue;
    if (budget <= 0) return { segments: out, clipped: true };
    const text = segment.text.length > budget ? segment.text.slice(0, budget) : segment.text;
    budget -= segment.text.length;
    const last = out.at(-1);
    if (last && last.learned === segment.learned && last.cut === segment.cut) last.text += text;
    else out.push({ ...segment, text });
  }
  return { segments: out, clipped: clipped || budget < 0 };
}

/** Runs of tokens with the same (learned, cut), decoded, or as ids without a decoder. */
function tokenSegments(example: TrainingExample, maxLength: number, decode: ((ids: number[]) => string) | null): PreviewSegment[] {
  const segments: PreviewSegment[] = [];
  const shown = Math.min(example.inputIds.length, PREVIEW_TOKENS);
  let start = 0;
  const flush = (end: number) => {
    const ids = Array.from(example.inputIds.subarray(start, end));
    const text = decode ? decode(ids) : ids.join(' ') + ' ';
    segments.push({ text, learned: example.labels[start] !== IGNORE_INDEX && start < maxLength, cut: start >= maxLength });
    start = end;
  };
  for (let t = 1; t < shown; t++) {
    const changed = (example.labels[t] !== IGNORE_INDEX) !== (example.labels[start] !== IGNORE_INDEX) || t === maxLength;
    if (changed) flush(t);
  }
  if (shown > start) flush(shown);
  return segments;
}

export function renderPreview({ position, row, example }: SampledRow, tokenizer: DataTokenizer | null, maxLength: number): RowPreview {
  const base = { row: position.row, line: position.line, kind: row.kind === 'tokens' ? 'tokens' : row.kind } as const;
  if (example) {
    const decode = tokenizer?.decode ?? null;
    const shownAs = row.kind === 'tokens' ? (decode ? 'decoded' : 'ids') : tokenizer?.templateKind === 'plain' && row.kind === 'conversation' ? 'plain-template' : row.kind === 'conversation' ? 'model-template' : 'decoded';
    return { ...base, ...clip(tokenSegments(example, maxLength, decode), example.inputIds.length > PREVIEW_TOKENS), tokens: example.inputIds.length, shownAs };
  }
  if (row.kind === 'text') return { ...base, ...clip([{ text: row.text, learned: true, cut: false }], false), tokens: null, shownAs: 'text' };
  if (row.kind === 'tokens') {
    // Pre-tokenized rows are always tokenized by the scan; this keeps the function total.
    const ids = row.inputIds.map((id, t) => ({ text: `${id} `, learned: row.labels[t] !== IGNORE_INDEX, cut: t >= maxLength }));
    return { ...base, ...clip(ids, false), tokens: row.inputIds.length, shownAs: 'ids' };
  }
  const rendered = renderConversation(plainTemplate(PLACEHOLDER_EOS), row.turns, [PLACEHOLDER_EOS]);
  const segments: PreviewSegment[] = [];
  let at = 0;
  for (const [start, end] of rendered.spans) {
    segments.push({ text: rendered.text.slice(at, start), learned: false, cut: false }, { text: rendered.text.slice(start, end), learned: true, cut: false });
    at = end;
  }
  segments.push({ text: rendered.text.slice(at), learned: false, cut: false });
  return { ...base, ...clip(segments, false), tokens: null, shownAs: 'plain-template' };
}
