/**
 * Base and adapted side by side on one session, the batch comparison's JSONL file, prompts as
 * text or chat, and opening a model with a saved adapter: on a tiny llama.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseModelRecord, saveAdapter } from '../../../src/main/engine/adapters/adapter-files';
import { compareBatch } from '../../../src/main/engine/generate/batch';
import { readBatchPrompts } from '../../../src/main/engine/generate/batch-prompts';
import { compare, compareStream, type PaneEvent } from '../../../src/main/engine/generate/compare';
import { type GenerateOptions, Generation, type GenerationResult } from '../../../src/main/engine/generate/generation';
import { type OpenedGeneration, openGeneration } from '../../../src/main/engine/generate/open-generation';
import { detokenizer, encodePrompt, type Prompt } from '../../../src/main/engine/generate/prompt';
import { GREEDY } from '../../../src/main/engine/generate/sampling';
import { adapterLayout } from '../../../src/main/engine/models/adapter-layout';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import { computeModelIdentity } from '../../../src/main/engine/models/identity';
import { CHATML_TEMPLATE } from '../../../src/main/engine/models/tiny-tokenizer';
import { Random } from '../../../src/main/engine/random';
import { tinyModel } from '../models/helpers/tiny';

let dir: string;
let opened: OpenedGeneration;
let adapted: Float32Array;
let options: GenerateOptions;
const PROMPT = { text: 'The cat sat on' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-compare-'));
  const modelDir = await tinyModel({ arch: 'llama', hidden: 32, heads: 4, kvHeads: 2, seed: 21, initStd: 0.1 });
  const model = await loadHfModel(modelDir);
  // An adapter on q and v only, with vectors far from 1, saved with the base model's identity.
  const layout = adapterLayout(model.spec, ['q_proj', 'v_proj']);
  const random = new Random(4);
  const vector = new Float32Array(layout.size).map(() => 1 + 0.5 * random.normal());
  const identity = await computeModelIdentity(model.dir, model.config, model.weights);
  await saveAdapter(join(dir, 'adapter'), layout, vector, {
    method: 'hyperadapt',
    format_version: 1,
    target_modules: ['q_proj', 'v_proj'],
    trainable_parameters: layout.size,
    base_model: baseModelRecord(identity, model.dir),
    training: {},
    metrics: {},
    created_at: new Date(0).toISOString(),
  });
  opened = await openGeneration({ model: modelDir, adapter: join(dir, 'adapter'), device: 'cpu' });
  adapted = opened.adapted!;
  options = { maxNewTokens: 12, sampling: GREEDY, eosTokenIds: opened.model.eosTokenIds, detokenize: detokenizer(opened.model) };
});
afterAll(async () => {
  await opened?.session.release();
  await rm(dir, { recursive: true, force: true });
});

async function alone(params: Float32Array, o: GenerateOptions = options): Promise<GenerationResult> {
  const generation = await Generation.start(opened.session, encodePrompt(opened.model, PROMPT), params, o);
  while (!generation.done) await generation.step();
  return generation.result;
}

describe('openGeneration', () => {
  it("loads the adapter's vector and gives the base model a = b = 1 over the same layout", () => {
    expect(opened.session.layout.targets).toEqual(['q_proj', 'v_proj']);
    expect(adapted.length).toBe(opened.session.layout.size);
    expect(opened.base.length).toBe(adapted.length);
    expect(opened.base.every((x) => x === 1)).toBe(true);
  });
});

describe('side by side', () => {
  it('interleaves the panes on one session; each pane is what it would be alone', async () => {
    const prompt = encodePrompt(opened.model, PROMPT);
    const events: PaneEvent[] = [];
    for await (const e of compareStream(opened.session, prompt, { base: opened.base, adapted }, options)) events.push(e);
    const order = events.filter((e) => e.type === 'token').map((e) => e.pane);
    const both = Math.min(order.filter((p) => p === 'base').length, order.filter((p) => p === 'adapted').length);
    expect(order.slice(0, 2 * both)).toEqual(Array.from({ length: 2 * both }, (_, i) => (i % 2 === 0 ? 'base' : 'adapted')));
    const ends = events.filter((e) => e.type === 'end');
    expect(ends.map((e) => e.pane).sort()).toEqual(['adapted', 'base']);

    const result = (pane: string): GenerationResult => {
      const end = ends.find((e) => e.pane === pane)!;
      if (end.type !== 'end') throw new Error('unreachable');
      return end.result;
    };
    const text = (pane: string): string => events.flatMap((e) => (e.pane === pane && e.type === 'token' ? [e.text] : [])).join('');
    expect(result('base').tokens).toEqual((await alone(opened.base)).tokens);
    expect(result('adapted').tokens).toEqual((await alone(adapted)).tokens);
    expect(result('adapted').tokens).not.toEqual(result('base').tokens); // the adapter changes the output
    expect(text('base')).toBe(result('base').text);
    expect(text('adapted')).toBe(result('adapted').text);
  });

  it('samples both panes with equal seeds, reproducibly', async () => {
    const sampled = { ...options, sampling: { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1, seed: 5 } };
    const prompt = encodePrompt(opened.model, PROMPT);
    const first = await compare(opened.session, prompt, { base: opened.base, adapted }, sampled);
    const again = await compare(opened.session, prompt, { base: opened.base, adapted }, sampled);
    expect(again.base.tokens).toEqual(first.base.tokens);
    expect(again.adapted.tokens).toEqual(first.adapted.tokens);
    expect(first.base.tokens).toEqual((await alone(opened.base, sampled)).tokens);
  });
});

describe('prompts', () => {
  it("renders a conversation with the model's chat template, the assistant's turn opened", () => {
    const messages = [{ role: 'user', content: 'Hi there' }];
    const expected = '<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n';
    expect(opened.model.chatTemplate!.source).toBe(CHATML_TEMPLATE);
    expect(encodePrompt(opened.model, { messages })).toEqual(opened.model.tokenizer.encode(expected, { addSpecialTokens: false }));
    expect(opened.model.tokenizer.decode(encodePrompt(opened.model, { messages }))).toBe(expected);
  });

  it('reads batch prompts as text or conversations, with references and numbered problems', async () => {
    const file = join(dir, 'prompts.jsonl');
    const rows = [
      JSON.stringify({ prompt: 'One', completion: ' two' }),
      JSON.stringify({ messages: [{ role: 'user', content: 'Q?' }, { role: 'assistant', content: 'A.' }] }),
      JSON.stringify({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Why?' }] }),
      JSON.stringify({ text: 'no prompt here' }),
      '{broken',
      JSON.stringify({ messages: [{ role: 'assistant', content: 'only an answer' }] }),
    ];
    await writeFile(file, rows.join('\n') + '\n');
    const { prompts, problems } = await readBatchPrompts(file);
    expect(prompts).toEqual([
      { line: 1, prompt: { text: 'One' }, reference: ' two' },
      { line: 2, prompt: { messages: [{ role: 'user', content: 'Q?' }] }, reference: 'A.' },
      { line: 3, prompt: { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Why?' }] }, reference: null },
    ]);
    expect(problems.map((p) => p.line)).toEqual([4, 5, 6]);
    expect(problems[0]!.message).toMatch(/expected \{"prompt"/);
  });
});

describe('compareBatch', () => {
  it('writes one JSONL record per prompt with both outputs, the same as side by side', async () => {
    const prompts = [
      { line: 1, prompt: PROMPT, reference: ' the mat' },
      { line: 4, prompt: { messages: [{ role: 'user', content: 'Hello' }] }, reference: null },
    ];
    const out = join(dir, 'outputs.jsonl');
    const seen: number[] = [];
    const encode = (p: Prompt): number[] => encodePrompt(opened.model, p);
    const records = await compareBatch(opened.session, prompts, { base: opened.base, adapted }, out, { ...options, encode, onRecord: (_r, i, n) => seen.push(i, n) });
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual(JSON.parse(JSON.stringify(records)));
    expect(seen).toEqual([0, 2, 1, 2]);
    expect(records[0]).toMatchObject({ line: 1, prompt: PROMPT, reference: ' the mat' });
    const side = await compare(opened.session, encode(PROMPT), { base: opened.base, adapted }, options);
    expect(records[0]!.base).toEqual({ text: side.base.text, tokens: side.base.tokens.length, reason: side.base.reason });
    expect(records[0]!.adapted).toEqual({ text: side.adapted.text, tokens: side.adapted.tokens.length, reason: side.adapted.reason });
  });

  it('stops before the next prompt once its signal is aborted, returning the rows done and leaving the file as it was', async () => {
    const prompts = [1, 2, 3].map((line) => ({ line, prompt: PROMPT, reference: null }));
    const out = join(dir, 'stopped.jsonl');
    await writeFile(out, 'the earlier table\n');
    const controller = new AbortController();
    const encode = (p: Prompt): number[] => encodePrompt(opened.model, p);
    const records = await compareBatch(opened.session, prompts, { base: opened.base, adapted }, out, { ...options, encode, signal: controller.signal, onRecord: () => controller.abort() });
    expect(records.map((r) => r.line)).toEqual([1]);
    expect(await readFile(out, 'utf8')).toBe('the earlier table\n');
  });
});
