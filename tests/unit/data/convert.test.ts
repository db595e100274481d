import { describe, expect, it } from 'vitest';
import { convertRow, type ConvertContext } from '../../../src/main/data/convert';
import type { CanonicalRow, ColumnMapping, Format, Turn } from '../../../src/main/data/formats';
import { applyColumns } from '../../../src/main/data/fields';
import { RowProblem, type Problem } from '../../../src/main/data/issues';

function convert(format: Format, fields: Record<string, unknown>, { mapping = {}, vocabSize = null }: { mapping?: ColumnMapping; vocabSize?: number | null } = {}) {
  const warnings: Problem[] = [];
  const context: ConvertContext = { mapping, vocabSize, warn: (problem) => warnings.push(problem) };
  return { row: convertRow(format, applyColumns(fields, mapping), context), warnings };
}

function problem(format: Format, fields: Record<string, unknown>, options: { mapping?: ColumnMapping; vocabSize?: number | null } = {}): Problem {
  try {
    convert(format, fields, options);
  } catch (error) {
    if (error instanceof RowProblem) return error.problem;
    throw error;
  }
  throw new Error('expected a RowProblem');
}

const turn = (role: Turn['role'], content: string, learn = role === 'assistant'): Turn => ({ role, content, learn });

describe('convertRow', () => {
  it('chat: roles mapped, OpenAI weight 0 and text parts honoured', () => {
    const { row } = convert('chat', {
      messages: [
        { role: 'developer', content: 'Be terse.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'text', text: 'there' }] },
        { role: 'assistant', content: 'Hey', weight: 0 },
        { role: 'user', content: 'Again' },
        { role: 'assistant', content: 'Hello' },
      ],
    });
    expect(row).toEqual<CanonicalRow>({ kind: 'conversation', turns: [turn('system', 'Be terse.'), turn('user', 'Hi\nthere'), turn('assistant', 'Hey', false), turn('user', 'Again'), turn('assistant', 'Hello')] });
  });

  it('chat: a message list ending with a user turn keeps the rest, with a warning', () => {
    const { row, warnings } = convert('chat', { messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }] });
    expect(row).toEqual({ kind: 'conversation', turns: [turn('user', 'a'), turn('assistant', 'b')] });
    expect(warnings).toEqual([
      { code: 'trailing-turn', field: 'messages[2]', message: 'the conversation ends with a user turn after the last assistant answer; nothing follows to learn from, so it is left out' },
    ]);
  });

  it('chat: names the field and the reason of each thing wrong', () => {
    expect(problem('chat', { messages: [{ role: 'user', content: 'a' }] })).toEqual({ code: 'no-assistant', field: 'messages', message: 'the conversation has no assistant turn, so there is nothing to learn' });
    expect(problem('chat', { messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: ' ' }] })).toEqual({ code: 'empty', field: 'messages[1]', message: "the assistant's message 2 is empty: there is nothing to learn in it" });
    expect(problem('chat', { messages: [{ role: 'assistant', content: 'a' }] })).toMatchObject({ code: 'turn-order', field: 'messages[0]' });
    expect(problem('chat', { messages: [{ role: 'user', content: 'a' }, { role: 'tool', content: '{}' }] })).toMatchObject({ code: 'unknown-role', field: 'messages[1].role', message: expect.stringContaining('tool turns are not supported') });
    expect(problem('chat', { messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: null }] })).toMatchObject({ code: 'missing-field', field: 'messages[1].content' });
    expect(problem('chat', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'x' }] }] })).toMatchObject({ code: 'wrong-type', field: 'messages[0].content[0]' });
    expect(problem('chat', { messages: 'hello' })).toEqual({ code: 'wrong-type', field: 'messages', message: 'expected a list of {"role", "content"}, found the text "hello"' });
    expect(problem('chat', { messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b', weight: 0 }] })).toMatchObject({ code: 'no-assistant', message: expect.stringContaining('"weight": 0') });
    expect(problem('chat', { messages: [] })).toMatchObject({ code: 'empty', field: 'messages' });
  });

  it('chat: reads messages from a CSV cell holding JSON, and names a cell that does not parse', () => {
    expect(convert('chat', { messages: '[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]' }).row).toEqual({ kind: 'conversation', turns: [turn('user', 'a'), turn('assistant', 'b')] });
    expect(problem('chat', { messages: '[{"role":' })).toMatchObject({ code: 'wrong-type', field: 'messages', message: expect.stringContaining('does not parse') });
  });

  it('sharegpt: human/gpt with an optional system', () => {
    expect(convert('sharegpt', { system: 'S', conversations: [{ from: 'human', value: 'q' }, { from: 'gpt', value: 'a' }] }).row).toEqual({
      kind: 'conversation',
      turns: [turn('system', 'S'), turn('user', 'q'), turn('assistant', 'a')],
    });
    expect(problem('sharegpt', { conversations: [{ from: 'human', value: 'q' }, { from: 'observation', value: 'x' }] })).toMatchObject({ code: 'unknown-role', field: 'conversations[1].from' });
  });

  it('alpaca: instruction, then input after a blank line', () => {
    expect(convert('alpaca', { instruction: 'Translate.', input: 'Hallo', output: 'Hello' }).row).toEqual({ kind: 'conversation', turns: [turn('user', 'Translate.\n\nHallo'), turn('assistant', 'Hello')] });
    expect(convert('alpaca', { instruction: 'Name one.', input: '', output: 'X' }).row).toEqual({ kind: 'conversation', turns: [turn('user', 'Name one.'), turn('assistant', 'X')] });
    expect(problem('alpaca', { instruction: '', input: '', output: 'X' })).toMatchObject({ code: 'empty', field: 'instruction' });
    expect(problem('alpaca', { instruction: 'a', output: 3 })).toEqual({ code: 'wrong-type', field: 'output', message: 'expected a string (the answer the model should learn), found number 3' });
  });

  it('prompt/completion: an empty completion is an error, an empty prompt is not', () => {
    expect(problem('prompt-completion', { prompt: 'Q?', completion: '' })).toEqual({ code: 'empty', field: 'completion', message: 'empty; expected the answer the model should learn' });
    expect(problem('prompt-completion', { prompt: 'x' })).toEqual({ code: 'missing-field', field: 'completion', message: 'missing; expected a string (the answer the model should learn)' });
    expect(convert('prompt-completion', { prompt: '', completion: 'A' }).row).toEqual({ kind: 'conversation', turns: [turn('user', ''), turn('assistant', 'A')] });
  });

  it('classification: the label, a string or a number, is the answer', () => {
    expect(convert('classification', { text: 'great', label: 1 }).row).toEqual({ kind: 'conversation', turns: [turn('user', 'great'), turn('assistant', '1')] });
    expect(problem('classification', { text: 'great', label: ' ' })).toMatchObject({ code: 'empty', field: 'label' });
    expect(problem('classification', { text: 'great', label: [1] })).toMatchObject({ code: 'wrong-type', field: 'label' });
  });

  it('text and pre-tokenized', () => {
    expect(convert('text', { text: 'doc' }).row).toEqual({ kind: 'text', text: 'doc' });
    expect(convert('pretokenized', { input_ids: [1, 2, 3] }).row).toEqual({ kind: 'tokens', inputIds: [1, 2, 3], labels: [1, 2, 3] });
    expect(problem('pretokenized', { input_ids: [1, 2], labels: [1] })).toMatchObject({ field: 'labels', message: 'has 1 entries but "input_ids" has 2; they must line up token for token' });
    expect(problem('pretokenized', { input_ids: [1, 2.5] })).toMatchObject({ field: 'input_ids[1]' });
    expect(problem('pretokenized', { input_ids: [1, 900] }, { vocabSize: 512 })).toMatchObject({ code: 'token-range', field: 'input_ids[1]', message: expect.stringContaining('token id 900 is outside') });
    expect(problem('pretokenized', { input_ids: [1, 2], labels: [-100, 600] }, { vocabSize: 512 })).toMatchObject({ code: 'token-range', field: 'labels[1]' });
  });

  it('reads mapped columns, and names them as the file does', () => {
    const mapping: ColumnMapping = { prompt: 'question', completion: 'answer' };
    expect(convert('prompt-completion', { question: 'Q', answer: 'A' }, { mapping }).row).toEqual({ kind: 'conversation', turns: [turn('user', 'Q'), turn('assistant', 'A')] });
    expect(problem('prompt-completion', { question: 'Q', answer: '' }, { mapping })).toMatchObject({ field: 'answer' });
  });
});
