import { mkdir, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callApi } from '../../../src/main/api/call';
import { dispatch } from '../../../src/main/api/dispatch';
import { MAX_FOLDERS } from '../../../src/main/api/folders';
import { scratch, tinyModelFolder } from '../store/helpers/fixtures';
import { testContext } from './helpers/context';

describe('folders.list', () => {
  it('lists sub-folders only, visible first, marks model folders, and follows links to folders', async () => {
    const root = await scratch('browse');
    await mkdir(join(root, 'b-data'), { recursive: true });
    await mkdir(join(root, '.cache'));
    await mkdir(join(root, 'a-model'));
    await writeFile(join(root, 'a-model', 'config.json'), '{}');
    await writeFile(join(root, 'notes.txt'), 'a file');
    await symlink(join(root, 'a-model'), join(root, 'linked'));
    await symlink(join(root, 'gone'), join(root, 'broken'));
    const listing = await callApi(testContext(), 'folders.list', { path: root });
    expect(listing.folders.map((f) => [f.name, f.looksLikeModel])).toEqual([
      ['a-model', true],
      ['b-data', false],
      ['linked', true],
      ['.cache', false],
    ]);
    expect(listing).toMatchObject({ path: root, looksLikeModel: false, truncated: false, files: [] });
    expect(listing.parent).toBe(join(root, '..'));
  });

  it('lists data files by extension when asked, and only regular files', async () => {
    const root = await scratch('data-files');
    await mkdir(join(root, 'folder.jsonl'), { recursive: true });
    await writeFile(join(root, 'train.jsonl'), '{}\n');
    await writeFile(join(root, 'table.CSV'), 'a\n1\n');
    await writeFile(join(root, 'model.safetensors'), 'x');
    await symlink('/dev/null', join(root, 'null.jsonl'));
    const listing = await callApi(testContext(), 'folders.list', { path: root, dataFiles: true });
    expect(listing.files.map((f) => [f.name, f.bytes])).toEqual([
      ['table.CSV', 4],
      ['train.jsonl', 3],
    ]);
    expect(listing.folders.map((f) => f.name)).toEqual(['folder.jsonl']);
  });

  it("starts at the user's home and stops at the root", async () => {
    expect((await callApi(testContext(), 'folders.list', {})).path).toBe(os.homedir());
    expect((await callApi(testContext(), 'folders.list', { path: '/' })).parent).toBeNull();
  });

  it('refuses relative paths, files, missing folders and the device file systems with a clear message', async () => {
    const root = await scratch('refuse');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'file.txt'), 'x');
    const context = testContext();
    const failures = await Promise.all(
      ['models', join(root, 'file.txt'), join(root, 'missing'), '/dev', '/proc/self'].map(async (path) => {
        const result = await dispatch('folders.list', { path }, context);
        return result.ok ? 'listed' : result.error.message;
      }),
    );
    expect(failures).toEqual([
      expect.stringMatching(/not an absolute path/),
      expect.stringMatching(/is a file, not a folder/),
      expect.stringMatching(/There is no folder/),
      expect.stringMatching(/devices and kernel files/),
      expect.stringMatching(/devices and kernel files/),
    ]);
    expect((await callApi(context, 'folders.list', { path: '/' })).folders.map((f) => f.name)).not.toContain('proc');
    expect(MAX_FOLDERS).toBeGreaterThan(100);
  });
});

describe('models.inspect', () => {
  it('reads a model folder without adding it: shape, counts beside LoRA r=8, and memory growing with the batch', async () => {
    const path = await tinyModelFolder({ arch: 'qwen2', hidden: 32, layers: 3 });
    const context = testContext();
    const small = await callApi(context, 'models.inspect', { path, batch: 1, seqLen: 64 });
    expect(small).toMatchObject({ architecture: 'Qwen2ForCausalLM', layers: 3, hiddenSize: 32, dtype: 'F32', loraRank: 8, memory: { batch: 1, seqLen: 64 } });
    expect(small.loraParameters).toBe(8 * small.hyperAdaptParameters);
    expect(small.sizeBytes).toBeGreaterThan(0);
    expect(small.contextLength).toBeGreaterThan(0);
    const large = await callApi(context, 'models.inspect', { path, batch: 8, seqLen: 256 });
    expect(large.memory.activationBytes).toBeGreaterThan(small.memory.activationBytes);
    expect(await callApi(context, 'models.list', {})).toEqual([]);
  });

  it('says what is missing from a folder that is not a model', async () => {
    const empty = await scratch('not-a-model');
    await mkdir(empty, { recursive: true });
    const result = await dispatch('models.inspect', { path: empty }, testContext());
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringContaining('config.json') } });
    const bad = await dispatch('models.inspect', { path: empty, batch: 0 }, testContext());
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'batch' }] } });
  });
});

describe('datasets.check', () => {
  it('reports bad rows by line without adding anything, and refuses what is not a file', async () => {
    const root = await scratch('check');
    await mkdir(root, { recursive: true });
    const file = join(root, 'mixed.jsonl');
    await writeFile(file, '{"prompt":"Hi","completion":"Hello"}\n{broken\n{"prompt":"Bye","completion":"Later"}\n');
    const context = testContext();
    const check = await callApi(context, 'datasets.check', { path: file });
    expect(check).toMatchObject({ path: file, format: 'jsonl:prompt-completion', rows: 3, report: { ok: false, train: { errors: 1, issues: [{ line: 2, code: 'invalid-json' }] } } });
    expect(await callApi(context, 'datasets.list', {})).toEqual([]);
    const folder = await dispatch('datasets.check', { path: root }, context);
    expect(folder).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not a file/) } });
    const missing = await dispatch('datasets.check', { path: join(root, 'nope.jsonl') }, context);
    expect(missing).toMatchObject({ ok: false, error: { message: expect.stringMatching(/There is no file/) } });
  });
});
