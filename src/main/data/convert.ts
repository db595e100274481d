/**
 * One row of a known format to its canonical shape, one converter per format (a table, read as
 * "format: how its fields become turns, text or tokens"). A converter throws RowProblem for the
 * first thing wrong and reports lesser things through `warn`.
 */
import { checkedTurns, chatTurns, shareGptTurns } from './conversation';
import { describeValue, FieldReader } from './fields';
import type { CanonicalRow, ColumnMapping, Format, Turn } from './formats';
import { RowProblem, type Problem } from './issues';
import type { RowFields } from './readers/record';
import { IGNORE_INDEX } from '../engine/train/examples';

export interface ConvertContext {
  mapping: ColumnMapping;
  /** The model's vocabulary size, to check pre-tokenized ids; null without a model. */
  vocabSize: number | null;
  warn: (problem: Problem) => void;
}

type Converter = (row: FieldReader, context: ConvertContext) => CanonicalRow;

function exchange(user: string, assistant: string, system?: string): CanonicalRow {
  const turns: Turn[] = [
    { role: 'user', content: user, learn: false },
    { role: 'assistant', content: assistant, learn: true },
  ];
  return { kind: 'conversation', turns: system ? [{ role: 'system', content: system, learn: false }, ...turns] : turns };
}

function integers(row: FieldReader, field: 'input_ids' | 'labels', expected: string): number[] {
  const list = row.list(field, expected);
  const bad = list.findIndex((item) => !Number.isInteger(item));
  if (bad !== -1) throw new RowProblem('wrong-type', `${row.name(field)}[${bad}]`, `expected an integer, found ${describeValue(list[bad])}`);
  return list as number[];
}

function preTokenized(row: FieldReader, { vocabSize }: ConvertContext): CanonicalRow {
  const ids = integers(row, 'input_ids', 'a list of token ids');
  const labels = row.has('labels') ? integers(row, 'labels', `a list of token ids or ${IGNORE_INDEX}, as long as "input_ids"`) : ids;
  if (labels.length !== ids.length) throw new RowProblem('wrong-type', row.name('labels'), `has ${labels.length} entries but "${row.name('input_ids')}" has ${ids.length}; they must line up token for token`);
  if (ids.length < 2) throw new RowProblem('empty', row.name('input_ids'), 'a row needs at least 2 tokens: the first one is never predicted');
  if (vocabSize !== null) {
    const bad = ids.findIndex((id) => id < 0 || id >= vocabSize);
    if (bad !== -1) throw new RowProblem('token-range', `${row.name('input_ids')}[${bad}]`, `token id ${ids[bad]} is outside the model's vocabulary (0..${vocabSize - 1}): was the file tokenized for another model?`);
    const badLabel = labels.findIndex((id) => id !== IGNORE_INDEX && (id < 0 || id >= vocabSize));
    if (badLabel !== -1) throw new RowProblem('token-range', `${row.name('labels')}[${badLabel}]`, `label ${labels[badLabel]} is neither ${IGNORE_INDEX} (not learned) nor a token id of the model (0..${vocabSize - 1})`);
  }
  return { kind: 'tokens', inputIds: ids, labels };
}

function classLabel(row: FieldReader): string {
  const value = row.fields['label'];
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null) throw new RowProblem('missing-field', row.name('label'), 'missing; expected the class of this text (a string or a number)');
  throw new RowProblem(typeof value === 'string' ? 'empty' : 'wrong-type', row.name('label'), `expected the class of this text (a string or a number), found ${describeValue(value)}`);
}

export const CONVERTERS: Readonly<Record<Format, Converter>> = {
  chat: (row, { warn }) => {
    const { turns, name } = chatTurns(row);
    return { kind: 'conversation', turns: checkedTurns(turns, name, warn) };
  },
  sharegpt: (row, { warn }) => {
    const { turns, name } = shareGptTurns(row);
    return { kind: 'conversation', turns: checkedTurns(turns, name, warn) };
  },
  // The user's turn is the instruction, then its input after a blank line, as the Alpaca prompt orders them.
  alpaca: (row) => {
    const instruction = row.string('instruction', 'the task', { allowEmpty: true });
    const input = row.optionalString('input', "the task's input") ?? '';
    if (instruction.trim() === '' && input.trim() === '') throw new RowProblem('empty', row.name('instruction'), `empty, and so is "${row.name('input')}": there is no task to answer`);
    const output = row.string('output', 'the answer the model should learn');
    const user = instruction.trim() === '' ? input : input.trim() === '' ? instruction : `${instruction}\n\n${input}`;
    return exchange(user, output, row.optionalString('system', 'the system prompt'));
  },
  // An empty prompt is allowed (the completion is then learned unprompted); an empty completion teaches nothing.
  'prompt-completion': (row) =>
    exchange(row.string('prompt', 'the text the model is given', { allowEmpty: true }), row.string('completion', 'the answer the model should learn'), row.optionalString('system', 'the system prompt')),
  classification: (row) => exchange(row.string('text', 'the text to classify'), classLabel(row)),
  text: (row) => ({ kind: 'text', text: row.string('text', 'the text to learn') }),
  pretokenized: preTokenized,
};

export function convertRow(format: Format, fields: RowFields, context: ConvertContext): CanonicalRow {
  return CONVERTERS[format](new FieldReader(fields, context.mapping), context);
}
