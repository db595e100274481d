/**
 * The weight map: one file or an index with shards, absolute byte offsets for ONNX external data,
 * and a check against the spec that names every missing or mismatched tensor.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelConfig } from '../../../src/main/engine/models/config';
import { ModelFileError, WeightMismatchError } from '../../../src/main/engine/models/errors';
import { buildModelSpec, type ModelSpec } from '../../../src/main/engine/models/spec';
import { checkWeights, readWeightMap, WEIGHTS_INDEX_FILE } from '../../../src/main/engine/models/weights';
import { readSafetensorsHeader, readTensorFloat32 } from '../../../src/main/engine/onnx/safetensors';
import { writeSafetensors } from '../../../src/main/engine/onnx/safetensors-writer';
import { tinyModel } from './helpers/tiny';

async function specOf(dir: string): Promise<ModelSpec> {
  return buildModelSpec(await readModelConfig(dir));
}

/** Rewrites model.safetensors with `edit` applied to its tensors (all read as F32). */
async function rewriteSingleFile(dir: string, edit: (tensors: { name: string; shape: number[]; data: Float32Array }[]) => void): Promise<void> {
  const path = join(dir, 'model.safetensors');
  const header = await readSafetensorsHeader(path);
  const tensors = await Promise.all(header.tensors.map(async (t) => ({ name: t.name, shape: [...t.shape], data: await readTensorFloat32(header, t.name) })));
  edit(tensors);
  await writeSafetensors(path, tensors.map((t) => ({ ...t, dtype: 'F32' as const })));
}

describe('readWeightMap', () => {
  it('maps every tensor of a single file to its absolute byte range', async () => {
    const dir = await tinyModel({ arch: 'qwen2', hidden: 32, vocab: 300 });
    const map = await readWeightMap(dir);
    expect(map.files).toEqual(['model.safetensors']);
    const spec = await specOf(dir);
    checkWeights(spec, map);
    const bytes = await readFile(join(dir, 'model.safetensors'));
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const declared = JSON.parse(bytes.subarray(8, 8 + headerLength).toString()) as Record<string, { data_offsets: [number, number] }>;
    for (const { name } of spec.tensors) {
      const entry = map.tensors.get(name)!;
      expect(entry.file).toBe('model.safetensors');
      expect(entry.path).toBe(join(dir, 'model.safetensors'));
      // offset = 8 + header length + data_offsets[0], the ONNX external-data offset.
      expect(entry.info.byteOffset).toBe(8 + headerLength + declared[name]!.data_offsets[0]);
      const raw = bytes.subarray(entry.info.byteOffset, entry.info.byteOffset + entry.info.byteLength);
      const fromHeader = await readTensorFloat32(map.headers.get('model.safetensors')!, name);
      expect(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))).toEqual(fromHeader);
    }
  });

  it('follows model.safetensors.index.json to its shards', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300, shards: 3, dtype: 'BF16' });
    const index = JSON.parse(await readFile(join(dir, WEIGHTS_INDEX_FILE), 'utf8')) as { weight_map: Record<string, string> };
    const map = await readWeightMap(dir);
    expect(map.files).toEqual(['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']);
    for (const [name, file] of Object.entries(index.weight_map)) {
      expect(map.tensors.get(name)).toMatchObject({ file, path: join(dir, file), info: { dtype: 'BF16' } });
    }
    checkWeights(await specOf(dir), map);
  });

  it('names a missing shard and a tensor it should hold', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300, shards: 2 });
    await rm(join(dir, 'model-00002-of-00002.safetensors'));
    const error = await readWeightMap(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(
      /model-00002-of-00002\.safetensors: missing weight shard named by model\.safetensors\.index\.json for \d+ tensor\(s\), e\.g\. model\./,
    );
  });

  it('refuses an index that sends a tensor to the wrong shard', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300, shards: 2 });
    const path = join(dir, WEIGHTS_INDEX_FILE);
    const index = JSON.parse(await readFile(path, 'utf8')) as { weight_map: Record<string, string> };
    index.weight_map['model.norm.weight'] = 'model-00001-of-00002.safetensors';
    await writeFile(path, JSON.stringify(index));
    await expect(readWeightMap(dir)).rejects.toThrow('model-00001-of-00002.safetensors: model.safetensors.index.json says this shard holds "model.norm.weight", but it does not');
  });

  it('refuses index entries that point outside the folder', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300, shards: 2 });
    const path = join(dir, WEIGHTS_INDEX_FILE);
    const index = JSON.parse(await readFile(path, 'utf8')) as { weight_map: Record<string, string> };
    index.weight_map['model.norm.weight'] = '../elsewhere.safetensors';
    await writeFile(path, JSON.stringify(index));
    await expect(readWeightMap(dir)).rejects.toThrow('weight_map["model.norm.weight"] must be a file name inside the model folder, found "../elsewhere.safetensors"');
  });

  it('explains a folder with only PyTorch weights', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300 });
    await rm(join(dir, 'model.safetensors'));
    await writeFile(join(dir, 'pytorch_model.bin'), 'not really');
    await expect(readWeightMap(dir)).rejects.toThrow(
      `${dir}: no model.safetensors or model.safetensors.index.json (found pytorch_model.bin: only safetensors weights are supported; convert the checkpoint to safetensors first)`,
    );
  });
});

describe('checkWeights', () => {
  it('names a missing tensor', async () => {
    const dir = await tinyModel({ arch: 'qwen3', hidden: 32, heads: 2, kvHeads: 1, vocab: 300 });
    await rewriteSingleFile(dir, (tensors) => tensors.splice(tensors.findIndex((t) => t.name === 'model.layers.1.self_attn.k_norm.weight'), 1));
    const error = await readWeightMap(dir).then(async (map) => checkWeights(await specOf(dir), map)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightMismatchError);
    expect(error).toMatchObject({ missing: ['model.layers.1.self_attn.k_norm.weight'], mismatched: [], badDtypes: [] });
    expect((error as Error).message).toBe(`${dir}: the weights do not match config.json: missing 1 tensor(s): model.layers.1.self_attn.k_norm.weight`);
  });

  it('names a tensor of the wrong shape with both shapes', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, heads: 4, kvHeads: 2, vocab: 300 });
    await rewriteSingleFile(dir, (tensors) => {
      const k = tensors.find((t) => t.name === 'model.layers.0.self_attn.k_proj.weight')!;
      k.shape = [32, 16]; // transposed: [in, out] instead of [out, in]
    });
    const error = await readWeightMap(dir).then(async (map) => checkWeights(await specOf(dir), map)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightMismatchError);
    expect((error as Error).message).toBe(
      `${dir}: the weights do not match config.json: wrong shape for 1 tensor(s): model.layers.0.self_attn.k_proj.weight in model.safetensors: expected [16, 32], found [32, 16]`,
    );
  });

  it('refuses weights that are not F32, F16 or BF16', async () => {
    const dir = await tinyModel({ arch: 'llama', hidden: 32, vocab: 300 });
    const path = join(dir, 'model.safetensors');
    const header = await readSafetensorsHeader(path);
    const tensors = await Promise.all(
      header.tensors.map(async (t) => {
        const data = await readTensorFloat32(header, t.name);
        return t.name === 'model.norm.weight'
          ? { name: t.name, shape: t.shape, dtype: 'I32' as const, data: Int32Array.from(data, (x) => Math.round(x)) }
          : { name: t.name, shape: t.shape, dtype: 'F32' as const, data };
      }),
    );
    await writeSafetensors(path, tensors);
    const map = await readWeightMap(dir);
    const error = await specOf(dir).then((spec) => checkWeights(spec, map)).catch((e: unknown) => e);
    expect((error as Error).message).toContain('expected F32, F16 or BF16 weights: model.norm.weight in model.safetensors is I32');
  });
});
