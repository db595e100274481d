/** The tiny-model generator: HF layout, reproducible weights, dtypes, shards, and option checks. */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWeightMap } from '../../../src/main/engine/models/weights';
import { generateTinyModel } from '../../../src/main/engine/models/tiny-model';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from '../../../src/main/engine/onnx/dtypes';
import { readTensorFloat32 } from '../../../src/main/engine/onnx/safetensors';
import { freshDir, tinyModel } from './helpers/tiny';

/** Every tensor of a folder as float32, by name. */
async function allTensors(dir: string): Promise<Map<string, Float32Array>> {
  const map = await readWeightMap(dir);
  const out = new Map<string, Float32Array>();
  for (const [name, entry] of map.tensors) out.set(name, await readTensorFloat32(map.headers.get(entry.file)!, name));
  return out;
}

describe('generateTinyModel', () => {
  it('writes the Hugging Face files, and the same bytes for the same seed', async () => {
    const options = { arch: 'qwen3', hidden: 32, heads: 2, kvHeads: 1, headDim: 24, vocab: 300, seed: 7 } as const;
    const a = await tinyModel(options);
    const b = await tinyModel(options);
    expect((await readdir(a)).sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    for (const file of await readdir(a)) expect(await readFile(join(b, file)), file).toEqual(await readFile(join(a, file)));
    const config = JSON.parse(await readFile(join(a, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', head_dim: 24, vocab_size: 300, torch_dtype: 'float32' });
    const other = await tinyModel({ ...options, seed: 8 });
    expect(await readFile(join(other, 'model.safetensors'))).not.toEqual(await readFile(join(a, 'model.safetensors')));
  });

  it('draws HF-like weights: std initStd, norms near 1 but not equal to it', async () => {
    const tensors = await allTensors(await tinyModel({ arch: 'qwen2', hidden: 64, vocab: 512, initStd: 0.05 }));
    const std = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    expect(std(tensors.get('model.layers.0.mlp.up_proj.weight')!)).toBeCloseTo(0.05, 2);
    expect(std(tensors.get('model.layers.1.self_attn.q_proj.bias')!)).toBeCloseTo(0.05, 1);
    const norm = tensors.get('model.layers.0.input_layernorm.weight')!;
    expect(Math.abs(norm.reduce((s, v) => s + v, 0) / norm.length - 1)).toBeLessThan(0.05);
    expect(norm.some((v) => Math.abs(v - 1) > 0.01)).toBe(true);
  });

  it('stores F16 and BF16 as the rounded F32 values, and shards without changing a value', async () => {
    const options = { arch: 'llama', hidden: 32, vocab: 300, seed: 3, tie: true } as const;
    const f32 = await allTensors(await tinyModel(options));
    const f16 = await allTensors(await tinyModel({ ...options, dtype: 'F16' }));
    const bf16 = await allTensors(await tinyModel({ ...options, dtype: 'BF16' }));
    const sharded = await allTensors(await tinyModel({ ...options, shards: 4 }));
    expect([...f32.keys()]).not.toContain('lm_head.weight');
    for (const [name, values] of f32) {
      expect(f16.get(name)).toEqual(float16ToFloat32(float32ToFloat16(values)));
      expect(bf16.get(name)).toEqual(bfloat16ToFloat32(float32ToBfloat16(values)));
      expect(sharded.get(name)).toEqual(values);
    }
  });

  it('writes an index whose shards are all used', async () => {
    const dir = await tinyModel({ arch: 'mistral', hidden: 32, vocab: 300, shards: 5, slidingWindow: 4 });
    const index = JSON.parse(await readFile(join(dir, 'model.safetensors.index.json'), 'utf8')) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    const files = [1, 2, 3, 4, 5].map((k) => `model-0000${k}-of-00005.safetensors`);
    expect([...new Set(Object.values(index.weight_map))].sort()).toEqual(files);
    const map = await readWeightMap(dir);
    expect(index.metadata.total_size).toBe([...map.tensors.values()].reduce((n, t) => n + t.info.byteLength, 0));
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toMatchObject({ sliding_window: 4 });
  });

  it.each([
    [{ arch: 'llama', heads: 4, kvHeads: 3 }, 'kvHeads: must divide heads (4), got 3'],
    [{ arch: 'qwen2', mlpBias: true }, 'mlpBias: applies to llama only, not qwen2'],
    [{ arch: 'llama', slidingWindow: 8 }, 'slidingWindow: applies to mistral, qwen2, qwen3 only, not llama'],
    [{ arch: 'gpt2' }, 'arch: one of llama, mistral, qwen2, qwen3, got gpt2'],
    [{ arch: 'llama', vocab: 5000 }, 'vocab: the built-in text yields at most'],
    [{ arch: 'llama', vocab: 100 }, 'vocab: the byte-level tokenizer needs at least 259 ids'],
    [{ arch: 'llama', layers: 1, shards: 99 }, 'shards: at most one per tensor (12), got 99'],
  ])('refuses %o', async (options, message) => {
    const out = await freshDir();
    await expect(generateTinyModel({ hidden: 32, ...(options as { arch: 'llama' }), out })).rejects.toThrow(message);
  });

  it('refuses a folder that already holds files', async () => {
    const out = await freshDir();
    await mkdir(out);
    await writeFile(join(out, 'config.json'), '{}');
    await expect(generateTinyModel({ arch: 'llama', out })).rejects.toThrow(`${out}: the output folder must be empty or new; it holds config.json`);
  });
});
