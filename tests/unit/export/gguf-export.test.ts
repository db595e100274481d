/**
 * GGUF export on tiny models of every architecture and type. Independent readers only:
 * @huggingface/gguf for the header, metadata and tensor offsets, our own float readers for the
 * raw tensor bytes, and llama.cpp (node-llama-cpp, CPU) for loading, tokenizing and log-probabilities.
 */
import { access, open, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gguf } from '@huggingface/gguf';
import { describe, expect, it } from 'vitest';
import { openExportSource } from '../../../src/main/engine/export/export-source';
import { GgufUnsupportedError } from '../../../src/main/engine/export/gguf/architectures';
import { TokenType } from '../../../src/main/engine/export/gguf/constants';
import { exportGguf, GGUF_FILE, GGUF_TOLERANCES } from '../../../src/main/engine/export/gguf/gguf-export';
import { dequantizeQ8_0 } from '../../../src/main/engine/export/gguf/q8-0';
import type { GgufDtype } from '../../../src/main/engine/export/gguf/tensor-plan';
import { mergeLinear, slotVectors } from '../../../src/main/engine/export/merge';
import { referenceProbes } from '../../../src/main/engine/export/reference';
import type { TinyArch, TinyRopeScaling } from '../../../src/main/engine/models/tiny-model';
import { readSafetensorsHeader, readTensorFloat32 } from '../../../src/main/engine/onnx/safetensors';
import { freshDir } from '../models/helpers/tiny';
import { adaptedTinyModel } from './helpers/adapted-model';

const DTYPES: GgufDtype[] = ['f32', 'f16', 'bf16', 'q8_0'];
const ARCHS: TinyArch[] = ['llama', 'mistral', 'qwen2', 'qwen3'];

async function exported(arch: TinyArch, dtype: GgufDtype, ropeScaling: TinyRopeScaling = 'none') {
  const { modelDir, adapterDir } = await adaptedTinyModel({ arch, seed: 3, ropeScaling });
  const source = await openExportSource(adapterDir);
  const out = join(await freshDir(), 'gguf');
  const result = await exportGguf(source, await referenceProbes(source), out, dtype);
  return { modelDir, source, out, result };
}

// Half a step of rounding, plus the f16 scale's own rounding (2^-11 relative) times the largest q, 127.
const Q8_BOUND = 0.5 + 127 * 2 ** -11;

describe('GGUF export verified by llama.cpp', () => {
  it.each(ARCHS.flatMap((arch) => DTYPES.map((dtype) => ({ arch, dtype }))))('$arch $dtype', async ({ arch, dtype }) => {
    const { out, result } = await exported(arch, dtype);
    const { agreement } = result.verification;
    console.log(`gguf ${arch} ${dtype}: log-prob max abs ${agreement.maxAbsDiff.toExponential(2)}, top-1 ${agreement.top1Agreement} over ${agreement.positions} positions`);
    expect(result.verification.passed).toBe(true);
    expect(agreement.maxAbsDiff).toBeLessThanOrEqual(GGUF_TOLERANCES[dtype].maxAbsDiff!);
    expect(agreement.top1Agreement).toBeGreaterThanOrEqual(GGUF_TOLERANCES[dtype].minTop1Agreement);
    // The bar for F32 and F16: the same top-1 token at every probe position (so the same greedy continuation).
    if (dtype === 'f32' || dtype === 'f16') expect(agreement.top1Agreement).toBe(1);
    expect((await readdir(out)).sort()).toEqual(['Modelfile', GGUF_FILE]);
    expect(await readdir(dirname(out))).toEqual(['gguf']);
  });

  it("Qwen3's real tokenizer: llama.cpp's qwen2 pre-tokenizer splits text as transformers does", async () => {
    const { adapterDir } = await adaptedTinyModel({ arch: 'qwen3', seed: 5, tokenizer: 'qwen3' }, ['q_proj', 'down_proj']);
    const source = await openExportSource(adapterDir);
    const out = join(await freshDir(), 'gguf');
    // F32: with 151,936 ids and random weights, near-ties are everywhere and F16 may flip one.
    const result = await exportGguf(source, await referenceProbes(source), out, 'f32');
    expect(result.verification.passed).toBe(true);
    const meta = (await gguf(join(out, GGUF_FILE), { allowLocalFile: true })).metadata as unknown as Record<string, unknown>;
    expect(meta['tokenizer.ggml.pre']).toBe('qwen2');
    expect((meta['tokenizer.ggml.tokens'] as string[]).length).toBe(151936);
  });

  it('reads F16 and BF16 base weights from several shards', async () => {
    for (const dtype of ['F16', 'BF16'] as const) {
      const { adapterDir } = await adaptedTinyModel({ arch: 'llama', seed: 2, dtype, shards: 3 });
      const source = await openExportSource(adapterDir);
      const result = await exportGguf(source, await referenceProbes(source), join(await freshDir(), 'gguf'), 'f32');
      // F32 out of half-precision weights: only the merge's float32 rounding separates them.
      expect(result.verification.agreement.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    }
  });

  it('llama with attention and MLP biases: q/k biases permuted like their rows', async () => {
    const { adapterDir } = await adaptedTinyModel({ arch: 'llama', seed: 7, attentionBias: true, mlpBias: true });
    const source = await openExportSource(adapterDir);
    const result = await exportGguf(source, await referenceProbes(source), join(await freshDir(), 'gguf'), 'f32');
    expect(result.verification.agreement.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(result.verification.agreement.top1Agreement).toBe(1);
  });

  it('llama3 and linear RoPE scaling travel as rope_freqs factors', async () => {
    for (const scaling of ['llama3', 'linear'] as const) {
      const { out, result } = await exported('llama', 'f32', scaling);
      expect(result.verification.agreement.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      const { tensorInfos } = await gguf(join(out, GGUF_FILE), { allowLocalFile: true });
      expect(tensorInfos.some((t) => t.name === 'rope_freqs.weight')).toBe(true);
    }
  });
});

describe('GGUF file contents, read back by @huggingface/gguf', () => {
  it('carries the tokenizer, special and stop tokens, chat template and llama.cpp tensor names', async () => {
    const { modelDir, source, out } = await exported('qwen2', 'f32');
    const parsed = await gguf(join(out, GGUF_FILE), { allowLocalFile: true });
    const meta = parsed.metadata as unknown as Record<string, unknown>;
    const tokenizerJson = JSON.parse(await readFile(join(modelDir, 'tokenizer.json'), 'utf8')) as { model: { merges: unknown[] } };
    expect(meta['general.architecture']).toBe('qwen2');
    expect(meta['tokenizer.ggml.model']).toBe('gpt2');
    expect(meta['tokenizer.ggml.pre']).toBe('gpt-2');
    const tokens = meta['tokenizer.ggml.tokens'] as string[];
    const types = meta['tokenizer.ggml.token_type'] as number[];
    const imEnd = tokens.indexOf('<|im_end|>');
    expect(imEnd).toBeGreaterThan(0);
    expect(types[imEnd]).toBe(TokenType.CONTROL);
    expect((meta['tokenizer.ggml.merges'] as string[]).length).toBe(tokenizerJson.model.merges.length);
    expect([meta['tokenizer.ggml.eos_token_id'], meta['tokenizer.ggml.eot_token_id']]).toContain(imEnd);
    expect(meta['tokenizer.chat_template']).toBe(source.model.chatTemplate!.source);
    expect(meta['qwen2.block_count']).toBe(2);
    const names = parsed.tensorInfos.map((t) => t.name);
    expect(names).toContain('blk.1.attn_q.bias');
    expect(names).toContain('blk.0.ffn_down.weight');
    expect(names).toContain('output_norm.weight');

    const modelfile = await readFile(join(out, 'Modelfile'), 'utf8');
    expect(modelfile).toMatch(/^FROM \.\/model\.gguf\n/);
    expect(modelfile).toContain('TEMPLATE """{{- if .System }}<|im_start|>system');
    expect(modelfile).toContain('PARAMETER stop "<|im_end|>"');
  });

  it('writes Q8_0 blocks of 32 values with one f16 scale, as llama.cpp lays them out', async () => {
    const { modelDir, source, out } = await exported('qwen3', 'q8_0');
    const path = join(out, GGUF_FILE);
    const parsed = await gguf(path, { allowLocalFile: true });
    const info = parsed.tensorInfos.find((t) => t.name === 'blk.0.ffn_up.weight')!;
    expect(Number(info.dtype)).toBe(8);
    const [cols, rows] = info.shape.map(Number);
    const bytes = new Uint8Array((rows! * cols!) / 32 * 34);
    const handle = await open(path, 'r');
    await handle.read(bytes, 0, bytes.byteLength, Number(parsed.tensorDataOffset + info.offset));
    await handle.close();
    const slot = source.adapter.layout.slots.find((s) => s.path === 'model.layers.0.mlp.up_proj')!;
    const w = await readTensorFloat32(await readSafetensorsHeader(join(modelDir, 'model.safetensors')), 'model.layers.0.mlp.up_proj.weight');
    const { a, b } = slotVectors(source.adapter.vector, slot);
    const merged = mergeLinear(w, slot.out, slot.in, a, b);
    const values = dequantizeQ8_0(bytes);
    for (let block = 0; block < merged.length / 32; block++) {
      const chunk = merged.subarray(block * 32, block * 32 + 32);
      const step = Math.max(...chunk.map(Math.abs)) / 127;
      for (let j = 0; j < 32; j++) expect(Math.abs(values[block * 32 + j]! - chunk[j]!)).toBeLessThanOrEqual(Q8_BOUND * step);
    }
  });

  it('refuses what llama.cpp would run differently, leaving nothing behind', async () => {
    const { adapterDir } = await adaptedTinyModel({ arch: 'mistral', seed: 4, slidingWindow: 16 });
    const source = await openExportSource(adapterDir);
    const out = join(await freshDir(), 'gguf');
    await expect(exportGguf(source, await referenceProbes(source), out, 'f16')).rejects.toThrow(GgufUnsupportedError);
    await expect(access(out)).rejects.toThrow();
    expect(await readdir(dirname(out))).toEqual([]);
  });
});
