/**
 * The GGUF writer on its own, read back by @huggingface/gguf: metadata larger than the writer's
 * first buffer, tensor offsets aligned to 32 bytes, and calls out of order refused.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gguf } from '@huggingface/gguf';
import { describe, expect, it } from 'vitest';
import { GgmlType } from '../../../src/main/engine/export/gguf/constants';
import { GgufWriter } from '../../../src/main/engine/export/gguf/writer';
import { freshDir } from '../models/helpers/tiny';

async function newPath(): Promise<string> {
  const dir = await freshDir();
  await mkdir(dir, { recursive: true });
  return join(dir, 'w.gguf');
}

describe('GgufWriter', () => {
  it('writes metadata past its first 64 KiB buffer and aligned tensors that an independent reader parses', async () => {
    const path = await newPath();
    const writer = await GgufWriter.open(path, 'llama');
    const tokens = Array.from({ length: 20_000 }, (_, i) => `token-${i}`);
    writer.add('tokenizer.ggml.tokens', tokens);
    writer.addArch('block_count', 3);
    writer.addArch('rope.freq_base', 500000);
    writer.add('tokenizer.ggml.add_bos_token', true);
    writer.addTensorInfo({ name: 'a', shape: [3], type: GgmlType.F32 });
    writer.addTensorInfo({ name: 'b', shape: [2, 32], type: GgmlType.Q8_0 });
    await writer.writeHeader();
    await writer.writeTensor('a', new Float32Array([1, 2, 3]));
    await writer.writeTensor('b', new Uint8Array(2 * 34));
    await writer.commit();

    const parsed = await gguf(path, { allowLocalFile: true });
    const meta = parsed.metadata as unknown as Record<string, unknown>;
    expect(meta['general.architecture']).toBe('llama');
    expect(meta['tokenizer.ggml.tokens']).toEqual(tokens);
    expect(meta['llama.block_count']).toBe(3);
    expect(meta['llama.rope.freq_base']).toBe(500000);
    expect(meta['tokenizer.ggml.add_bos_token']).toBe(true);
    expect(parsed.tensorInfos.map((t) => [t.name, t.shape.map(Number), Number(t.dtype), Number(t.offset)])).toEqual([
      ['a', [3], GgmlType.F32, 0],
      ['b', [32, 2], GgmlType.Q8_0, 32],
    ]);
    expect(Number(parsed.tensorDataOffset) % 32).toBe(0);
  });

  it('refuses duplicates, wrong sizes and calls out of order', async () => {
    const writer = await GgufWriter.open(await newPath(), 'qwen2');
    expect(() => writer.add('general.architecture', 'llama')).toThrow(/added twice/);
    writer.addTensorInfo({ name: 'x', shape: [4], type: GgmlType.F32 });
    expect(() => writer.addTensorInfo({ name: 'x', shape: [4], type: GgmlType.F32 })).toThrow(/declared twice/);
    expect(() => writer.addTensorInfo({ name: 'q', shape: [2, 30], type: GgmlType.Q8_0 })).toThrow(/blocks of 32/);
    await expect(writer.writeTensor('x', new Float32Array(4))).rejects.toThrow(/expected the writer in state weights, got metadata/);
    await writer.writeHeader();
    expect(() => writer.addArch('block_count', 1)).toThrow(/expected the writer in state metadata, got weights/);
    await expect(writer.writeTensor('x', new Float32Array(3))).rejects.toThrow(/expected 16 bytes, got 12/);
    await expect(writer.commit()).rejects.toThrow(/1 tensor\(s\) left unwritten/);
    await writer.abort();
  });
});
