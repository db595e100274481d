/**
 * Prompts for a batch comparison, from a JSONL file such as a validation split:
 *   {"prompt": "...", "completion": "..."}     plain text; the completion, if any, is the reference
 *   {"messages": [{"role", "content"}, ...]}   a conversation; a final assistant message is the
 *                                              reference, the turns before it are the prompt
 * Every row that cannot be used is reported with its line number; none is dropped silently.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ChatMessage } from '../models/chat-template';
import type { Prompt } from './prompt';

export interface BatchPrompt {
  /** 1-based line in the file. */
  readonly line: number;
  readonly prompt: Prompt;
  /** What the data says the answer is, for review beside both outputs; null when it has none. */
  readonly reference: string | null;
}

export interface PromptProblem {
  readonly line: number;
  readonly message: string;
}

export async function readBatchPrompts(path: string): Promise<{ prompts: BatchPrompt[]; problems: PromptProblem[] }> {
  const prompts: BatchPrompt[] = [];
  const problems: PromptProblem[] = [];
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    line += 1;
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim(); // an editor's byte order mark is not data
    if (trimmed === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(trimmed);
    } catch (error) {
      problems.push({ line, message: `not valid JSON (${(error as Error).message})` });
      continue;
    }
    const parsed = parseRow(row);
    if (typeof parsed === 'string') problems.push({ line, message: parsed });
    else prompts.push({ line, ...parsed });
  }
  return { prompts, problems };
}

/** One message listing the first problems, for a CLI error. */
export function describePromptProblems(path: string, problems: readonly PromptProblem[], limit = 10): string {
  const shown = problems.slice(0, limit).map((p) => `  ${path}:${p.line}: ${p.message}`);
  const more = problems.length > limit ? [`  … and ${problems.length - limit} more`] : [];
  return [`${problems.length} row(s) of ${path} cannot be used as prompts:`, ...shown, ...more].join('\n');
}

function parseRow(row: unknown): Omit<BatchPrompt, 'line'> | string {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return 'each line must be a JSON object';
  const fields = row as Record<string, unknown>;
  if ('messages' in fields) return fromMessages(fields.messages);
  if (typeof fields.prompt !== 'string') return 'expected {"prompt": "...", "completion"?: "..."} or {"messages": [...]}';
  if (fields.completion !== undefined && typeof fields.completion !== 'string') return '"completion" must be a string';
  return { prompt: { text: fields.prompt }, reference: fields.completion ?? null };
}

function fromMessages(value: unknown): Omit<BatchPrompt, 'line'> | string {
  const isMessage = (m: unknown): m is ChatMessage =>
    typeof m === 'object' && m !== null && typeof (m as ChatMessage).role === 'string' && typeof (m as ChatMessage).content === 'string';
  if (!Array.isArray(value) || !value.every(isMessage)) return '"messages" must be a list of {"role": string, "content": string}';
  const last = value[value.length - 1];
  const answered = last?.role === 'assistant';
  const turns = answered ? value.slice(0, -1) : value;
  if (turns.length === 0) return '"messages" holds no turn before the answer to prompt with';
  return { prompt: { messages: turns }, reference: answered ? last.content : null };
}
