import { lstat, mkdir, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File } from '../../../src/main/fs/hash';
import { InUseError } from '../../../src/main/store/errors';
import { addModel, defaultModelName, type AddModelProgress } from '../../../src/main/store/model-import';
import { deleteModel, getModel, listModels } from '../../../src/main/store/models';
import { scratch, scratchLibrary, tinyModelFolder } from './helpers/fixtures';

/** Every file under `dir` (following links) with its size, mtime and sha256: what "not modified" means. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const info = await stat(path);
    out[name] = info.isDirectory() ? 'dir' : `${info.size}:${info.mtimeMs}:${await sha256File(path)}`;
  }
  return out;
}

/** Lays a model folder out as the Hugging Face cache does: snapshot files are symlinks into blobs/. */
async function asHfCache(model: string): Promise<{ snapshot: string; blobs: string }> {
  const repo = join(await scratch('hub'), 'models--acme--tiny-llama');
  const blobs = join(repo, 'blobs');
  const snapshotDir = join(repo, 'snapshots', '0123abcd');
  await mkdir(blobs, { recursive: true });
  await mkdir(snapshotDir, { recursive: true });
  for (const name of await readdir(model)) {
    await rename(join(model, name), join(blobs, `blob-${name}`));
    await symlink(join('..', '..', 'blobs', `blob-${name}`), join(snapshotDir, name));
  }
  return { snapshot: snapshotDir, blobs };
}

describe('addModel', () => {
  it('hard-links a Hugging Face cache snapshot (through its symlinks) into its own library folder, leaving the cache untouched', async () => {
    const library = await scratchLibrary();
    const { snapshot: folder, blobs } = await asHfCache(await tinyModelFolder());
    await mkdir(join(folder, 'original')); // a subfolder (e.g. consolidated .pth weights) is skipped
    await writeFile(join(folder, 'pytorch_model.bin'), 'weights we do not read');
    const before = { snapshot: await snapshot(folder), blobs: await snapshot(blobs) };

    const { model, added, skipped } = await addModel(library, folder);
    expect(added).toBe(true);
    expect(model.name).toBe('acme/tiny-llama');
    expect(model.linked).toBe(true);
    expect(model.architecture).toBe('LlamaForCausalLM');
    expect(model.dtype).toBe('F32');
    expect(model.path.startsWith(library.folder('models'))).toBe(true);
    expect(skipped).toEqual([expect.stringMatching(/^original\//), expect.stringMatching(/^pytorch_model\.bin/)]);

    // Regular files sharing the blob's inode, not symlinks and not copies.
    const weights = join(model.path, 'model.safetensors');
    const linked = await stat(weights);
    expect((await lstat(weights)).isSymbolicLink()).toBe(false);
    expect(linked.ino).toBe((await stat(join(blobs, 'blob-model.safetensors'))).ino);
    expect(model.weightFiles).toEqual([{ file: 'model.safetensors', bytes: linked.size, sha256: await sha256File(weights) }]);
    expect(await readdir(model.path)).not.toContain('pytorch_model.bin');

    expect(await snapshot(folder)).toEqual(before.snapshot);
    expect(await snapshot(blobs)).toEqual(before.blobs);
    expect(getModel(library, model.id)).toEqual(model);
  });

  it('copies with progress when links are not allowed, and adding the same model again returns the one already there', async () => {
    const library = await scratchLibrary();
    const folder = await tinyModelFolder({ arch: 'qwen2', seed: 4 });
    const progress: AddModelProgress[] = [];
    const first = await addModel(library, folder, { allowLinks: false, name: 'My Qwen', onProgress: (p) => progress.push(p) });
    expect(first.model).toMatchObject({ name: 'My Qwen', linked: false });
    expect((await stat(join(first.model.path, 'model.safetensors'))).ino).not.toBe((await stat(join(folder, 'model.safetensors'))).ino);
    const bringing = progress.filter((p) => p.phase === 'bringing');
    expect(bringing.length).toBeGreaterThan(1);
    expect(bringing.at(-1)!.bytesDone).toBe(first.model.sizeBytes);
    expect(bringing.every((p, i) => i === 0 || p.bytesDone >= bringing[i - 1]!.bytesDone)).toBe(true);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['checking', 'bringing', 'hashing']));

    const again = await addModel(library, folder);
    expect(again).toMatchObject({ added: false, model: { id: first.model.id } });
    expect(listModels(library)).toHaveLength(1);
    expect((await readdir(library.folder('models'))).filter((name) => !name.startsWith('.'))).toHaveLength(1);
  });

  it('refuses a folder that is not a supported model before bringing anything in', async () => {
    const library = await scratchLibrary();
    const folder = await tinyModelFolder();
    const config = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(folder, 'config.json'), JSON.stringify({ ...config, architectures: ['GPT2LMHeadModel'] }));
    await expect(addModel(library, folder)).rejects.toThrow(/GPT2LMHeadModel/);
    expect(listModels(library)).toEqual([]);
    expect(await readdir(library.folder('models')).catch(() => [])).toEqual([]);
  });

  it('names a model after its cache repository or its folder', () => {
    expect(defaultModelName('/home/me/.cache/huggingface/hub/models--Qwen--Qwen3-0.6B/snapshots/abc')).toBe('Qwen/Qwen3-0.6B');
    expect(defaultModelName('/models/my-llama')).toBe('my-llama');
  });
});

describe('deleteModel', () => {
  it('removes the row and the library folder but never the source', async () => {
    const library = await scratchLibrary();
    const folder = await tinyModelFolder({ seed: 8 });
    const before = await snapshot(folder);
    const { model } = await addModel(library, folder);
    await deleteModel(library, model.id);
    expect(listModels(library)).toEqual([]);
    await expect(stat(model.path)).rejects.toThrow(/ENOENT/);
    expect(await snapshot(folder)).toEqual(before);
  });

  it('is refused while a run uses the model', async () => {
    const library = await scratchLibrary();
    const { model } = await addModel(library, await tinyModelFolder({ seed: 9 }));
    library.db.prepare(`INSERT INTO datasets (name, path, source_path, content_sha256, format, rows, size_bytes, added_at) VALUES ('d', 'x', 'x', 'h', 'jsonl', 1, 1, 'now')`).run();
    library.db.prepare(`INSERT INTO runs (name, model_id, dataset_id, method, config, status, path, created_at) VALUES ('r', ?, 1, 'hyperadapt', '{}', 'failed', 'runs/1', 'now')`).run(model.id);
    await expect(deleteModel(library, model.id)).rejects.toThrow(InUseError);
    await expect(deleteModel(library, model.id)).rejects.toThrow(/used by run 1; delete those first/);
    expect(getModel(library, model.id).id).toBe(model.id);
  });
});
