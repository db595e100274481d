import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adapterLayout, identityAdapterVector } from '../../../src/main/engine/models/adapter-layout';
import { buildForwardGraph, FORWARD_INPUTS, LOGITS_OUTPUT } from '../../../src/main/engine/models/forward-graph';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import { graphCacheDirectory, graphFileName, writeGraphFile } from '../../../src/main/engine/onnx/graph-file';
import { serializeModel } from '../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../src/main/engine/onnx/session';
import { tinyModel } from '../models/helpers/tiny';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('graph files in the model folder', () => {
  it('names a graph by its label and a hash of its bytes', () => {
    const a = graphFileName('generate', new Uint8Array([1, 2, 3]));
    expect(a).toMatch(/^\.hyperadapt-generate-[0-9a-f]{16}\.onnx$/);
    expect(graphFileName('generate', new Uint8Array([1, 2, 3]))).toBe(a);
    expect(graphFileName('generate', new Uint8Array([1, 2, 4]))).not.toBe(a);
  });

  it('writes a file once; an existing file of that name is kept as it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hyperadapt-graph-file-'));
    dirs.push(dir);
    const path = await writeGraphFile(dir, 'g.onnx', new Uint8Array([7, 8]));
    expect(path).toBe(join(dir, 'g.onnx'));
    const first = await stat(path);
    await writeGraphFile(dir, 'g.onnx', new Uint8Array([9]));
    expect([...(await readFile(path))]).toEqual([7, 8]);
    expect((await stat(path)).ino).toBe(first.ino);
  });
});

describe('a model folder that cannot be written', () => {
  const readOnly = async () => {
    throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
  };

  /** The forward's logits for a few tokens, from the graph file at `path`. */
  async function logits(path: string, params: Float32Array): Promise<Float32Array> {
    const session = await EngineSession.create(path, { device: 'cpu' });
    try {
      const ids = (f: (i: number) => number) => ({ type: 'int64' as const, data: BigInt64Array.from({ length: 4 }, (_, i) => BigInt(f(i))), dims: [1, 4] });
      const out = await session.run({
        [FORWARD_INPUTS.inputIds]: ids((i) => 5 + i),
        [FORWARD_INPUTS.attentionMask]: ids(() => 1),
        [FORWARD_INPUTS.positionIds]: ids((i) => i),
        [FORWARD_INPUTS.adapterParams]: { type: 'float32', data: params, dims: [params.length] },
      });
      return out[LOGITS_OUTPUT]!.data as Float32Array;
    } finally {
      await session.release();
    }
  }

  it('gets its graphs in a cache mirror whose hard links are the weights, with the same outputs and nothing written into the folder', async () => {
    const model = await loadHfModel(await tinyModel({ arch: 'qwen2', hidden: 32, vocab: 512, seed: 5, shards: 2 }));
    const cache = await mkdtemp(join(tmpdir(), 'hyperadapt-graph-cache-'));
    dirs.push(cache);
    const { graph } = buildForwardGraph(model, { batch: 1, seqLen: 4 });
    const bytes = serializeModel(graph);
    const name = graphFileName('test-forward', bytes);
    const before = (await readdir(model.dir)).sort();

    const mirrored = await writeGraphFile(model.dir, name, bytes, { cacheDirectory: cache, write: readOnly });
    expect(mirrored.startsWith(cache)).toBe(true);
    expect((await readdir(model.dir)).sort()).toEqual(before);
    const mirror = dirname(mirrored);
    const weights = before.filter((file) => file.endsWith('.safetensors'));
    expect(weights).toHaveLength(2);
    for (const file of weights) expect((await stat(join(mirror, file))).ino).toBe((await stat(join(model.dir, file))).ino);
    // The same folder again: the same mirror and file.
    expect(await writeGraphFile(model.dir, name, bytes, { cacheDirectory: cache, write: readOnly })).toBe(mirrored);

    const params = identityAdapterVector(adapterLayout(model.spec)).map((x, i) => x + 0.01 * (i % 7));
    const inPlace = await writeGraphFile(model.dir, name, bytes);
    expect(await logits(mirrored, params)).toEqual(await logits(inPlace, params));
  });

  // /dev/shm is a volume of its own on Linux: a hard link cannot reach across, and the error says what to do.
  const otherVolume = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(tmpdir()).dev;
  it.skipIf(!otherVolume)('says what to do when the cache is on another volume than the weights', async () => {
    const model = await tinyModel({ arch: 'llama', hidden: 16, layers: 1, seed: 6 });
    const cache = await mkdtemp('/dev/shm/hyperadapt-graph-cache-');
    dirs.push(cache);
    await expect(writeGraphFile(model, 'g.onnx', new Uint8Array([1]), { cacheDirectory: cache, write: readOnly })).rejects.toThrow(
      /cannot be written.*EXDEV.*add the model to the library.*or copy it to a folder you can write/,
    );
  });

  it('passes on other write failures (a full disk is not a read-only folder)', async () => {
    const full = async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    await expect(writeGraphFile(tmpdir(), 'g.onnx', new Uint8Array([1]), { write: full })).rejects.toThrow('ENOSPC');
  });

  it("uses the platform's cache folder", () => {
    expect(graphCacheDirectory({ XDG_CACHE_HOME: '/c' }, 'linux')).toBe('/c/hyperadapt-studio/graphs');
    expect(graphCacheDirectory({ LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'win32')).toMatch(/HyperAdapt Studio[\\/]graphs$/);
    expect(graphCacheDirectory({}, 'darwin')).toMatch(/Library[\\/]Caches[\\/]HyperAdapt Studio[\\/]graphs$/);
  });
});
