import { describe, expect, it } from 'vitest';
import { classifyRow, detectFormat } from '../../../src/main/data/detect';

const chat = { messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }] };

describe('classifyRow', () => {
  it('tells every format by its fields, most specific first', () => {
    expect(classifyRow(chat)).toBe('chat');
    expect(classifyRow({ conversations: [{ from: 'human', value: 'a' }] })).toBe('sharegpt');
    expect(classifyRow({ messages: [{ from: 'human', value: 'a' }] })).toBe('sharegpt');
    expect(classifyRow({ conversations: JSON.stringify(chat.messages) })).toBe('chat'); // a CSV cell
    expect(classifyRow({ instruction: 'a', input: '', output: 'b' })).toBe('alpaca');
    expect(classifyRow({ prompt: 'a', completion: 'b' })).toBe('prompt-completion');
    expect(classifyRow({ text: 'a', label: 0 })).toBe('classification');
    expect(classifyRow({ text: 'a', source: 'web' })).toBe('text');
    expect(classifyRow({ input_ids: [1, 2], text: 'a' })).toBe('pretokenized');
    expect(classifyRow({ question: 'a', answer: 'b' })).toBeNull();
    expect(classifyRow({ prompt: 'a' })).toBeNull();
  });
});

describe('detectFormat', () => {
  it('picks the format of every row with full confidence and says why', () => {
    const detection = detectFormat([chat, chat, chat], null);
    expect(detection).toMatchObject({ format: 'chat', confidence: 1, given: false, sampled: 3, counts: { chat: 3 } });
    expect(detection.evidence).toEqual(['3 of 3 sampled rows are chat messages ("messages": a list of {"role", "content"} (OpenAI))']);
  });

  it('reports a mixed file: the majority wins, with the share, and the mix is named', () => {
    const detection = detectFormat([chat, chat, chat, { prompt: 'p', completion: 'c' }], null);
    expect(detection).toMatchObject({ format: 'chat', confidence: 0.75, counts: { chat: 3, 'prompt-completion': 1 } });
    expect(detection.evidence).toContain('1 of 4 sampled rows is prompt/completion ("prompt", "completion")');
    expect(detection.evidence).toContain('the file mixes 2 formats; rows not in chat messages will be reported');
  });

  it('lists the fields of rows in no format, and finds none when no row has one', () => {
    const detection = detectFormat([{ question: 'q', answer: 'a' }, { question: 'q2', answer: 'a2' }], null);
    expect(detection).toMatchObject({ format: null, confidence: 0 });
    expect(detection.evidence).toEqual(['2 of 2 sampled rows match no format; their fields: "question", "answer"']);
  });

  it('shows the labels of a classification set', () => {
    const rows = [{ text: 'a', label: 'pos' }, { text: 'b', label: 'neg' }, { text: 'c', label: 'pos' }];
    expect(detectFormat(rows, null).evidence).toContain('"label" takes 2 distinct values in the sample ("pos" ×2, "neg" ×1)');
  });

  it('takes a given format, with the share of rows that look like it', () => {
    const detection = detectFormat([{ text: 'a', label: 1 }, { text: 'b', label: 2 }], 'text');
    expect(detection).toMatchObject({ format: 'text', given: true, confidence: 0 });
    expect(detection.evidence[0]).toBe('format given as text (plain text), not detected');
  });
});
