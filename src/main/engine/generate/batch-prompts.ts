/**
 * Prompts for a batch comparison, from a JSONL file such as a validation split:
 *   {"prompt": "...", "completion": "..."}     plain text; the completion, if any, is the reference
 *   {"messages": [{"role", "content"}, ...]}   a conversation; a final assistant message is the
 *                                              reference, the turns before it are the prompt
 * Every row that cannot be used is reported with its line number; none is dropped silently.
 */
import { readJsonl } from '../../data/jsonl';
import type { RowProblem } from '../../data/training-rows';
import type { ChatMessage } from '../models/chat-template';
import type { Prompt } from './prompt';

export interface BatchPrompt {
  /** 1-based line in the file. */
  readonly line: number;
  readonly prompt: Prompt;
  /** What the data says the answer is, for review beside both outputs; null when it has none. */
  readonly reference: string | null;
}

export async function readBatchPrompts(path: string): Promise<{ prompts: BatchPrompt[]; problems: RowProblem[] }> {
  const prompts: BatchPrompt[] = [];
  const problems: RowProblem[] = [];
  for await (const record of readJsonl(path)) {
    if ('error' in record) {
      problems.push({ line: record.line, message: record.error });
      continue;
    }
    const parsed = parseRow(record.value);
    if (typeof parsed === 'string') problems.push({ line: record.line, message: parsed });
    else prompts.push({ line: record.line, ...parsed });
  }
  return { prompts, problems };
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
