/**
 * The validation rows of a dataset as conversations, for reviewing base and adapted outputs side
 * by side: the same rows the trainer validates on (same split, seed and options), read again
 * from the file and converted as training converts them. Rows that are not conversations
 * (plain text, pre-tokenized) have no prompt to answer and are counted, not returned.
 */
import { convertRow } from './convert';
import { validationRows, type DatasetCheckOptions } from './dataset';
import { applyColumns } from './fields';
import type { Turn } from './formats';
import type { Position } from './issues';
import { openSource } from './source';

export interface ValidationConversation {
  position: Position;
  turns: Turn[];
}

export async function validationConversations(
  path: string,
  options: DatasetCheckOptions,
): Promise<{ file: string; conversations: ValidationConversation[]; notConversations: number }> {
  const { file, format, positions } = await validationRows(path, options);
  const wanted = new Map(positions.map((position) => [position.row, position]));
  const conversations: ValidationConversation[] = [];
  let notConversations = 0;
  if (format === null || wanted.size === 0) return { file, conversations, notConversations };
  const source = await openSource(file, options.textUnit);
  for await (const record of source.records) {
    const position = wanted.get(record.row);
    if (!position || 'problem' in record) continue;
    // These rows passed the check a moment ago; converting again cannot fail differently.
    const row = convertRow(format, applyColumns(record.fields, options.columns ?? {}), { mapping: options.columns ?? {}, vocabSize: null, warn: () => undefined });
    if (row.kind === 'conversation') conversations.push({ position, turns: row.turns });
    else notConversations += 1;
  }
  return { file, conversations, notConversations };
}
