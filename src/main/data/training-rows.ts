/**
 * Turns JSONL rows into training examples for the trainer. Two shapes are accepted here:
 *   {"input_ids": [...], "labels": [...]}   pre-tokenized; labels -100 are not learned
 *   {"prompt": "...", "completion": "..."}  the loss covers the completion (and end token) only
 * Every row that cannot be used is reported with its line number and reason; none is dropped
 * silently.
 */
import { IGNORE_INDEX, type TrainingExample } from '../engine/train/examples';
import { readJsonl } from './jsonl';

/** What the data layer needs from a tokenizer. */
export interface PromptTokenizer {
  encode(text: string): number[];
  /** Prepended to every row when the model expects it (Llama's <s>); null otherwise. */
  bosTokenId: number | null;
  /** Appended after the completion, and learned, so the model learns to stop. */
  eosTokenId: number;
  vocabSize: number;
}

export interface RowProblem {
  line: number;
  message: string;
}

export interface LoadedRows {
  examples: TrainingExample[];
  /** Line number of each example, for reports. */
  lines: number[];
  problems: RowProblem[];
}

function isIntegerArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => Number.isInteger(item));
}

function fromPreTokenized(row: Record<string, unknown>, vocabSize: number | null): TrainingExample | string {
  const ids = row['input_ids'];
  const labels = row['labels'] ?? ids;
  if (!isIntegerArray(ids)) return '"input_ids" must be an array of integers';
  if (!isIntegerArray(labels)) return '"labels" must be an array of integers (or left out to learn every token)';
  if (ids.length !== labels.length) return `"input_ids" has ${ids.length} tokens but "labels" has ${labels.length}`;
  if (ids.length < 2) return 'a row needs at least 2 tokens to predict anything';
  if (vocabSize !== null) {
    const bad = ids.find((id) => id < 0 || id >= vocabSize);
    if (bad !== undefined) return `token id ${bad} is outside the model's vocabulary (0..${vocabSize - 1})`;
    const badLabel = labels.find((id) => id !== IGNORE_INDEX && (id < 0 || id >= vocabSize));
    if (badLabel !== undefined) return `label ${badLabel} is neither -100 nor a token id of the model`;
  }
  return { inputIds: Int32Array.from(ids), labels: Int32Array.from(labels) };
}

function fromPromptCompletion(row: Record<string, unknown>, tokenizer: PromptTokenizer): TrainingExample | string {
  const prompt = row['prompt'];
  const completion = row['completion'];
  if (typeof prompt !== 'string') return '"prompt" must be a string';
  if (typeof completion !== 'string') return '"completion" must be a string';
  if (completion.trim() === '') return '"completion" is empty: there is nothing to learn from this row';
  // Encoded separately so the prompt/completion boundary is exact in tokens.
  const promptIds = [...(tokenizer.bosTokenId === null ? [] : [tokenizer.bosTokenId]), ...tokenizer.encode(prompt)];
  const completionIds = [...tokenizer.encode(completion), tokenizer.eosTokenId];
  return {
    inputIds: Int32Array.from([...promptIds, ...completionIds]),
    labels: Int32Array.from([...promptIds.map(() => IGNORE_INDEX), ...completionIds]),
  };
}

/** Reads every row; `tokenizer` may be null when the file is known to be pre-tokenized. */
export async function loadTrainingRows(path: string, tokenizer: PromptTokenizer | null): Promise<LoadedRows> {
  const loaded: LoadedRows = { examples: [], lines: [], problems: [] };
  for await (const record of readJsonl(path)) {
    if ('error' in record) {
      loaded.problems.push({ line: record.line, message: record.error });
      continue;
    }
    const row = record.value;
    let result: TrainingExample | string;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      result = 'each line must be a JSON object';
    } else if ('input_ids' in row) {
      result = fromPreTokenized(row as Record<string, unknown>, tokenizer?.vocabSize ?? null);
    } else if ('prompt' in row || 'completion' in row) {
      result = tokenizer ? fromPromptCompletion(row as Record<string, unknown>, tokenizer) : 'prompt/completion rows need the model\'s tokenizer';
    } else {
      const keys = Object.keys(row).slice(0, 5).join(', ');
      result = `unrecognised row (keys: ${keys || 'none'}); expected {"input_ids", "labels"} or {"prompt", "completion"}`;
    }
    if (typeof result === 'string') loaded.problems.push({ line: record.line, message: result });
    else {
      loaded.examples.push(result);
      loaded.lines.push(record.line);
    }
  }
  return loaded;
}

/** One message listing the first problems, for a CLI error or a refused run. */
export function describeProblems(path: string, problems: readonly RowProblem[], limit = 10): string {
  const shown = problems.slice(0, limit).map((problem) => `  ${path}:${problem.line}: ${problem.message}`);
  const more = problems.length > limit ? [`  … and ${problems.length - limit} more`] : [];
  return [`${problems.length} row(s) of ${path} cannot be used:`, ...shown, ...more].join('\n');
}
