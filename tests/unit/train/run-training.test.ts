import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapter, readAdapterConfig } from '../../../src/main/engine/adapters/adapter-files';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import { computeModelIdentity } from '../../../src/main/engine/models/identity';
import { generateTinyModel } from '../../../src/main/engine/models/tiny-model';
import { latestValidCheckpoint } from '../../../src/main/engine/train/checkpoint';
import { runEvaluation } from '../../../src/main/engine/train/run-evaluation';
import { runTraining, type BackendFactory, type TrainingStart } from '../../../src/main/engine/train/run-training';
import { TRAIN_DEFAULTS, type TrainOptions } from '../../../src/main/engine/train/train-options';
import { quadraticBackend } from './helpers/quadratic-backend';

let dir: string;
let modelDir: string;
let dataPath: string;

const fakeBackend: BackendFactory = async () => ({ ...quadraticBackend(), device: 'cpu', release: async () => {} });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-run-'));
  modelDir = join(dir, 'model');
  await generateTinyModel({ out: modelDir, arch: 'qwen2', hidden: 32, layers: 1 });
  dataPath = join(dir, 'data.jsonl');
  const rows = Array.from({ length: 20 }, (_, i) => JSON.stringify({ prompt: `Question ${i}: what is ${i} + 1?`, completion: ` ${i + 1}` }));
  await writeFile(dataPath, rows.join('\n') + '\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(out: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return { ...TRAIN_DEFAULTS, model: modelDir, data: dataPath, out, steps: 6, batchSize: 2, maxLength: 64, ...extra };
}

describe('runTraining', () => {
  it('trains, checkpoints and saves an adapter with its lineage', async () => {
    const out = join(dir, 'run1');
    let start: TrainingStart | undefined;
    const losses: number[] = [];
    const result = await runTraining(options(out, { targets: ['q_proj', 'v_proj'] }), { onStart: (s) => (start = s), onStep: (m) => losses.push(m.loss) }, fakeBackend);
    expect(start).toMatchObject({ totalSteps: 6, trainRows: 18, validationRows: 2, device: 'cpu', resumedFromStep: null, truncatedRows: 0 });
    expect(result).toMatchObject({ reason: 'completed', steps: 6 });
    expect(losses).toHaveLength(6);

    const config = await readAdapterConfig(out);
    expect(config.target_modules).toEqual(['q_proj', 'v_proj']);
    expect(config.metrics['steps']).toBe(6);
    const model = await loadHfModel(modelDir);
    const adapter = await loadAdapter(out, model.spec, await computeModelIdentity(modelDir, model.config, model.weights), modelDir);
    expect(adapter.vector.length).toBe(start!.trainableParameters);
    expect(adapter.vector.some((v) => v !== 1)).toBe(true);

    const log = (await readFile(join(out, 'training_log.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(log.filter((line) => line.type === 'step')).toHaveLength(6);
    expect(log.some((line) => line.type === 'eval')).toBe(true);
    const { dir: checkpoint } = await latestValidCheckpoint(join(out, 'checkpoints'));
    expect(checkpoint).toMatch(/step-00000006$/);
    await expect(readFile(join(checkpoint!, 'adapter_model.safetensors'))).resolves.toBeInstanceOf(Buffer);
  });

  it('resumes from a checkpoint and reports where it started', async () => {
    const out = join(dir, 'run2');
    let calls = 0;
    const first = await runTraining(options(out, { saveEvery: 2 }), { beforeStep: async () => (++calls > 3 ? 'stop' : 'continue') }, fakeBackend);
    expect(first).toMatchObject({ reason: 'cancelled', steps: 3 });
    const { dir: checkpoint } = await latestValidCheckpoint(join(out, 'checkpoints'));
    let start: TrainingStart | undefined;
    const resumed = await runTraining(options(out, { saveEvery: 2, resume: checkpoint! }), { onStart: (s) => (start = s) }, fakeBackend);
    expect(start?.resumedFromStep).toBe(3);
    expect(resumed).toMatchObject({ reason: 'completed', steps: 6 });
  });

  it('refuses a data file with bad rows before any compute, listing them', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"prompt":"a","completion":"b"}\n{"prompt":1}\n');
    let built = false;
    await expect(
      runTraining(options(join(dir, 'run3'), { data: bad }), {}, async (...args) => {
        built = true;
        return fakeBackend(...args);
      }),
    ).rejects.toThrow(/1 row\(s\) of .*bad.jsonl cannot be used:\n {2}.*bad.jsonl:2: prompt: expected a string \(the text the model is given\), found number 1/);
    expect(built).toBe(false);
  });

  it('trains on the valid rows of a file with bad rows when the dataset leaves them out', async () => {
    const bad = join(dir, 'bad-left-out.jsonl');
    await writeFile(bad, ['{"prompt":"a","completion":"b"}', '{"prompt":1}', '{"prompt":"c","completion":"d"}'].join('\n') + '\n');
    let start: TrainingStart | undefined;
    const result = await runTraining(options(join(dir, 'run-left-out'), { data: bad, dropInvalidRows: true, valSplit: 0, steps: 2 }), { onStart: (s) => (start = s) }, fakeBackend);
    expect(start).toMatchObject({ trainRows: 2, validationRows: 0 });
    expect(result).toMatchObject({ reason: 'completed', steps: 2 });
  });

  it('trains on any format the data layer reads: a CSV with a column mapping, validated on a file of its own', async () => {
    const csv = join(dir, 'qa.csv');
    await writeFile(csv, ['question,answer', ...Array.from({ length: 8 }, (_, i) => `"What is ${i} + 1?",${i + 1}`)].join('\n'));
    // The validation file is read with the same format and columns as the training file.
    const validation = join(dir, 'qa-val.csv');
    await writeFile(validation, ['question,answer', ...[0, 1, 2].map((i) => `"What is ${i} + 2?",${i + 2}`)].join('\n'));
    let start: TrainingStart | undefined;
    const out = join(dir, 'run-csv');
    await runTraining(options(out, { data: csv, columns: { prompt: 'question', completion: 'answer' }, validationData: validation, steps: 2 }), { onStart: (s) => (start = s) }, fakeBackend);
    expect(start).toMatchObject({ trainRows: 8, validationRows: 3 });
    expect((await readAdapterConfig(out)).training).toMatchObject({ data: csv, validationData: validation, columns: { prompt: 'question', completion: 'answer' } });
  });

  it('refuses unknown target modules by name', async () => {
    await expect(runTraining(options(join(dir, 'run4'), { targets: ['q_proj', 'wq'] }), {}, fakeBackend)).rejects.toThrow(/unknown target module\(s\) wq/);
  });
});

describe('runEvaluation', () => {
  it('evaluates the base model and an adapter, over every supervised token', async () => {
    const out = join(dir, 'run-eval');
    await runTraining(options(out, { steps: 3 }), {}, fakeBackend);
    const base = await runEvaluation({ model: modelDir, data: dataPath, batchSize: 4, maxLength: 64, device: 'cpu' }, fakeBackend);
    const adapted = await runEvaluation({ model: modelDir, data: dataPath, adapter: out, batchSize: 4, maxLength: 64, device: 'cpu' }, fakeBackend);
    expect(base).toMatchObject({ rows: 20, adapter: null, device: 'cpu' });
    expect(adapted.tokens).toBe(base.tokens);
    expect(adapted.loss).not.toBe(base.loss);
    expect(Number.isFinite(adapted.loss)).toBe(true);
  });
});
