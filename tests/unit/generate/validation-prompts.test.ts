import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAdapterConfig } from '../../../src/main/engine/adapters/adapter-files';
import { validationPrompts } from '../../../src/main/engine/generate/validation-prompts';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import { generateTinyModel } from '../../../src/main/engine/models/tiny-model';
import { runTraining, type BackendFactory } from '../../../src/main/engine/train/run-training';
import { TRAIN_DEFAULTS } from '../../../src/main/engine/train/train-options';
import { splitRows } from '../../../src/main/engine/train/validation-split';
import { quadraticBackend } from '../train/helpers/quadratic-backend';

const fakeBackend: BackendFactory = async () => ({ ...quadraticBackend(), device: 'cpu', release: async () => {} });
let dir: string;
let modelDir: string;
let dataPath: string;
const rows = Array.from({ length: 30 }, (_, i) => ({ question: `What is ${i} times 2?`, answer: ` ${i * 2}` }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-validation-prompts-'));
  modelDir = join(dir, 'model');
  await generateTinyModel({ out: modelDir, arch: 'qwen2', hidden: 32, layers: 1 });
  dataPath = join(dir, 'data.jsonl');
  // Columns mapped at training time, so the review must read the file the same way.
  await writeFile(dataPath, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('validationPrompts', () => {
  it("finds the rows the adapter was validated on, with the answers as references, rendered as training rendered them", async () => {
    const out = join(dir, 'run');
    const seed = 7;
    await runTraining(
      { ...TRAIN_DEFAULTS, model: modelDir, data: dataPath, out, steps: 2, maxLength: 64, valSplit: 0.2, seed, columns: { prompt: 'question', completion: 'answer' } },
      {},
      fakeBackend,
    );
    const model = await loadHfModel(modelDir);
    const found = await validationPrompts(model, await readAdapterConfig(out), out);
    const expected = splitRows(rows.length, 0.2, seed).validation;
    expect(found.prompts.map((p) => p.line)).toEqual(expected.map((i) => i + 1));
    expect(found.prompts.map((p) => p.reference)).toEqual(expected.map((i) => rows[i]!.answer));
    expect(found.prompts[0]!.prompt).toEqual({ messages: [{ role: 'user', content: rows[expected[0]!]!.question }] });
    expect(found.notConversations).toBe(0);
    const rendered = model.tokenizer.decode(found.encode(found.prompts[0]!.prompt));
    expect(rendered).toBe(model.chatTemplate!.render([{ role: 'user', content: rows[expected[0]!]!.question }], { addGenerationPrompt: true }));
  });

  it('says when the adapter does not record its data', async () => {
    const model = await loadHfModel(modelDir);
    const config = { ...(await readAdapterConfig(join(dir, 'run'))), training: {} };
    await expect(validationPrompts(model, config, '/some/adapter')).rejects.toThrow('/some/adapter/adapter_config.json does not record its training data file');
  });
});
