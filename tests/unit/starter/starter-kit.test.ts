import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callApi } from '../../../src/main/api/call';
import { checkDataset } from '../../../src/main/data/dataset';
import { dataTokenizer } from '../../../src/main/data/data-tokenizer';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import { findResourcesDirectory, SAMPLE_DATASET_FILE, StarterKitFiles } from '../../../src/main/starter/starter-kit';
import { scratch } from '../store/helpers/fixtures';
import { testContext } from '../api/helpers/context';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('the starter kit', () => {
  it('finds the sample data shipped in resources/ from the source tree', () => {
    expect(findResourcesDirectory()).toBe(join(ROOT, 'resources'));
  });

  it('says clearly when the installation lacks its resources', () => {
    expect(() => findResourcesDirectory('/')).toThrow(/resources\/starter\/sample-garden-chats\.jsonl.*missing.*HYPERADAPT_RESOURCES/);
  });

  it('is made once in the data folder: a loadable demo model and the sample chats, byte for byte', async () => {
    const kit = new StarterKitFiles(await scratch('starter'));
    expect(kit.status().ready).toBe(false);

    const made = await kit.prepare();
    expect(made.ready).toBe(true);
    expect(made.modelName).toMatch(/^Demo: /);
    expect(made.datasetName).toMatch(/^Demo: /);
    expect(await readFile(made.datasetPath)).toEqual(await readFile(join(ROOT, 'resources', 'starter', SAMPLE_DATASET_FILE)));
    const model = await loadHfModel(made.modelPath);
    expect(model.config.numLayers).toBe(2);

    const before = (await stat(join(made.modelPath, 'model.safetensors'))).mtimeMs;
    await kit.prepare();
    expect((await stat(join(made.modelPath, 'model.safetensors'))).mtimeMs).toBe(before);
  });

  it('makes the same model on every computer (same weights, so the same library fingerprint)', async () => {
    const [a, b] = await Promise.all([new StarterKitFiles(await scratch('kit-a')).prepare(), new StarterKitFiles(await scratch('kit-b')).prepare()]);
    expect(await readFile(join(a.modelPath, 'model.safetensors'))).toEqual(await readFile(join(b.modelPath, 'model.safetensors')));
  });

  it('ships sample chats that train cleanly on the demo model at the Quick preset length', async () => {
    const kit = await new StarterKitFiles(await scratch('kit-data')).prepare();
    const tokenizer = dataTokenizer(await loadHfModel(kit.modelPath));
    const report = await checkDataset(kit.datasetPath, { tokenizer, maxLength: 256, valSplit: 0.1, seed: 42, batchSize: 4, gradAccum: 1 });
    expect(report.ok).toBe(true);
    expect(report.template).toBe('model');
    expect(report.train.issues).toEqual([]);
    expect(report.train.tokens).toMatchObject({ truncatedRows: 0, zeroSupervisedRows: 0 });
    expect(report.train.rows.usable).toBe(60);
  });

  it('is served by the API: status, then prepare', async () => {
    const context = testContext();
    expect((await callApi(context, 'starter.status', {})).ready).toBe(false);
    const kit = await callApi(context, 'starter.prepare', {});
    expect(kit.ready).toBe(true);
    expect(kit.modelPath.startsWith(context.library.library.dataDirectory)).toBe(true);
    expect(await callApi(context, 'starter.status', {})).toEqual(kit);
  });
});
