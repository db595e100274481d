import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float32ToBfloat16, float32ToFloat16 } from '../../../src/main/engine/onnx/dtypes';
import {
  readSafetensorsHeader,
  readTensorBytes,
  readTensorFloat32,
  SafetensorsError,
} from '../../../src/main/engine/onnx/safetensors';
import { SafetensorsWriter, writeSafetensors } from '../../../src/main/engine/onnx/safetensors-writer';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'safetensors-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Independent writer for hostile inputs: any header text (unpadded unless asked) and any data bytes. */
async function craft(name: string, header: unknown, data: Uint8Array = new Uint8Array(0), declaredLength?: bigint): Promise<string> {
  const json =
    header instanceof Uint8Array ? Buffer.from(header) : Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(declaredLength ?? BigInt(json.byteLength));
  const path = join(dir, name);
  await writeFile(path, Buffer.concat([prefix, json, data]));
  return path;
}

const values = new Float32Array([1, -2.5, 3.140625, 0, -0, 65504, 1e-5, 100]);

describe('safetensors round trip', () => {
  it('writes F32, F16, BF16 and integer tensors that read back exactly, at the offsets it reports', async () => {
    const path = join(dir, 'model.safetensors');
    const ids = new BigInt64Array([1n, -2n, 3n]);
    await writeSafetensors(
      path,
      [
        { name: 'half', dtype: 'F16', shape: [2, 4], data: float32ToFloat16(values) },
        { name: 'flags', dtype: 'U8', shape: [3], data: new Uint8Array([1, 0, 1]) },
        { name: 'full', dtype: 'F32', shape: [8], data: values },
        { name: 'brain', dtype: 'BF16', shape: [4, 2], data: float32ToBfloat16(values) },
        { name: 'ids', dtype: 'I64', shape: [3], data: ids },
        { name: 'scalar', dtype: 'F32', shape: [], data: new Float32Array([7]) },
        { name: 'empty', dtype: 'F32', shape: [0, 3], data: new Float32Array(0) },
      ],
      { format: 'pt', note: 'héllo' },
    );

    // Independent read of the raw file: 8-byte-aligned header padded with spaces, metadata kept.
    const raw = await readFile(path);
    const headerLength = Number(raw.readBigUInt64LE(0));
    expect(headerLength % 8).toBe(0);
    const text = raw.subarray(8, 8 + headerLength).toString('utf8');
    expect(JSON.parse(text).__metadata__).toEqual({ format: 'pt', note: 'héllo' });

    const header = await readSafetensorsHeader(path);
    expect(header.headerLength).toBe(headerLength);
    expect(header.metadata).toEqual({ format: 'pt', note: 'héllo' });
    // Wider dtypes first, so every tensor is aligned to its element size.
    expect(header.tensors.map((t) => t.name)).toEqual(['ids', 'full', 'scalar', 'empty', 'half', 'brain', 'flags']);
    for (const t of header.tensors) expect(t.byteOffset % { I64: 8, F32: 4, F16: 2, BF16: 2, U8: 1 }[t.dtype as 'F32']).toBe(0);

    expect(await readTensorFloat32(header, 'full')).toEqual(values);
    // 1e-5 is a float16 subnormal: 168 * 2^-24. The rest is exact in float16.
    expect(await readTensorFloat32(header, 'half')).toEqual(new Float32Array([1, -2.5, 3.140625, 0, -0, 65504, 168 * 2 ** -24, 100]));
    const brain = await readTensorFloat32(header, 'brain');
    // bfloat16 keeps 8 significant bits: 65504 rounds up to 2^16, 1e-5 to 0xa8 * 2^-24.
    expect(brain).toEqual(new Float32Array([1, -2.5, 3.140625, 0, -0, 65536, 0xa8 * 2 ** -24, 100]));
    expect(await readTensorFloat32(header, 'scalar')).toEqual(new Float32Array([7]));
    expect(await readTensorFloat32(header, 'empty')).toEqual(new Float32Array(0));
    const idBytes = await readTensorBytes(header, 'ids');
    expect(new BigInt64Array(idBytes.buffer)).toEqual(ids);

    // byteOffset/byteLength are absolute: exactly what an ONNX external-data initializer needs.
    const full = header.tensors.find((t) => t.name === 'full')!;
    expect(full.shape).toEqual([8]);
    expect(full.byteLength).toBe(32);
    expect(new Float32Array(raw.buffer.slice(raw.byteOffset + full.byteOffset, raw.byteOffset + full.byteOffset + 32))).toEqual(values);
  });

  it('reads files written by another writer: unpadded header, unaligned offsets', async () => {
    const data = Buffer.concat([Buffer.from([9, 8, 7]), Buffer.from(values.buffer)]);
    const path = await craft('unaligned.safetensors', {
      b: { dtype: 'U8', shape: [3], data_offsets: [0, 3] },
      a: { dtype: 'F32', shape: [2, 4], data_offsets: [3, 35] },
    }, data);
    const header = await readSafetensorsHeader(path);
    expect(header.metadata).toEqual({});
    const a = header.tensors.find((t) => t.name === 'a')!;
    expect(a.byteOffset).toBe(8 + header.headerLength + 3);
    expect(await readTensorFloat32(header, 'a')).toEqual(values);
    expect([...(await readTensorBytes(header, 'b'))]).toEqual([9, 8, 7]);
  });

  it('streams tensors one by one, in the declared order only', async () => {
    const path = join(dir, 'streamed.safetensors');
    const writer = await SafetensorsWriter.open(path, [
      { name: 'x', dtype: 'F32', shape: [2] },
      { name: 'y', dtype: 'F16', shape: [2] },
    ]);
    await expect(writer.writeTensor('y', new Uint16Array(2))).rejects.toThrow('expected tensor "x" next, got "y"');
    await expect(writer.writeTensor('x', new Float32Array(3))).rejects.toThrow('expected 8 bytes, got 12');
    await writer.writeTensor('x', new Float32Array([1, 2]));
    expect(writer.nextTensor?.name).toBe('y');
    await expect(writer.commit()).rejects.toThrow('missing "y"');
    await writer.writeTensor('y', float32ToFloat16(new Float32Array([3, 4])));
    await writer.commit();
    await expect(writer.writeTensor('x', new Float32Array(2))).rejects.toThrow('the writer is committed');
    const header = await readSafetensorsHeader(path);
    expect(await readTensorFloat32(header, 'y')).toEqual(new Float32Array([3, 4]));
  });

  it('leaves the old file untouched and no temp file behind when a write is abandoned', async () => {
    const path = join(dir, 'kept.safetensors');
    await writeSafetensors(path, [{ name: 'w', dtype: 'F32', shape: [1], data: new Float32Array([42]) }]);
    await expect(
      writeSafetensors(path, [{ name: 'w', dtype: 'F32', shape: [2], data: new Float32Array([1]) }]),
    ).rejects.toThrow('expected 8 bytes, got 4');
    expect(await readTensorFloat32(await readSafetensorsHeader(path), 'w')).toEqual(new Float32Array([42]));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses duplicate, reserved and malformed tensor declarations before writing', async () => {
    const path = join(dir, 'refused.safetensors');
    const t = { name: 'w', dtype: 'F32' as const, shape: [1], data: new Float32Array(1) };
    await expect(writeSafetensors(path, [t, t])).rejects.toThrow('tensor "w" appears twice');
    await expect(writeSafetensors(path, [{ ...t, name: '__metadata__' }])).rejects.toThrow('reserved');
    await expect(writeSafetensors(path, [{ ...t, shape: [-1] }])).rejects.toThrow('non-negative integers');
    await expect(readFile(path)).rejects.toThrow('ENOENT');
  });
});

describe('safetensors validation', () => {
  const f32 = (begin: number, end: number, shape = [2]): unknown => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

  /** Expects a SafetensorsError naming the file, whose message contains every fragment. */
  async function expectInvalid(path: string, ...fragments: string[]): Promise<void> {
    const error = await readSafetensorsHeader(path).then(
      () => expect.fail('expected a SafetensorsError'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SafetensorsError);
    const message = (error as Error).message;
    expect(message).toContain(path);
    for (const fragment of fragments) expect(message).toContain(fragment);
  }

  it('rejects a file too short for the header length', async () => {
    const path = join(dir, 'tiny.safetensors');
    await writeFile(path, Buffer.from([1, 2, 3]));
    await expectInvalid(path, 'expected at least 8 bytes', 'found a 3-byte file');
  });

  it('rejects a header length beyond the file size', async () => {
    const path = await craft('long-header.safetensors', {}, new Uint8Array(0), 1000n);
    await expectInvalid(path, 'header length within the 2 bytes after the length field', 'found a header length of 1000 bytes');
    const huge = await craft('huge-header.safetensors', {}, new Uint8Array(0), 2n ** 63n);
    await expectInvalid(huge, 'found a header length of 9223372036854775808 bytes');
  });

  it('rejects a header that is not JSON, not UTF-8, or not an object', async () => {
    await expectInvalid(await craft('not-json.safetensors', '{"a": '), 'expected a UTF-8 JSON header', 'unparseable header');
    await expectInvalid(await craft('not-utf8.safetensors', new Uint8Array([0x7b, 0xff, 0x7d])), 'unparseable');
    await expectInvalid(await craft('array.safetensors', [1, 2]), 'expected a JSON object as header', 'found [1,2]');
    await expectInvalid(await craft('null.safetensors', 'null'), 'found null');
  });

  it('rejects malformed tensor entries', async () => {
    await expectInvalid(await craft('entry.safetensors', { w: 3 }), 'tensor "w" to be an object', 'found 3');
    await expectInvalid(
      await craft('dtype.safetensors', { w: { dtype: 'F12', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)),
      'tensor "w" dtype to be one of BOOL, U8',
      'found "F12"',
    );
    await expectInvalid(await craft('shape.safetensors', { w: f32(0, 8, [2.5]) }, new Uint8Array(8)), 'shape to be an array of non-negative integers', '[2.5]');
    await expectInvalid(await craft('offsets.safetensors', { w: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }), 'data_offsets to be [begin, end]', '[8,0]');
    await expectInvalid(
      await craft('mismatch.safetensors', { w: f32(0, 12) }, new Uint8Array(12)),
      'tensor "w" data_offsets to span 8 bytes (F32 [2])',
      'found [0, 12] (12 bytes)',
    );
  });

  it('rejects overlapping, gapped, short and over-long data regions', async () => {
    const data = new Uint8Array(16);
    await expectInvalid(await craft('overlap.safetensors', { a: f32(0, 8), b: f32(4, 12) }, data), 'tensor "b" to begin at the end of the previous tensor (8)', 'overlaps');
    await expectInvalid(await craft('gap.safetensors', { a: f32(0, 8), b: f32(12, 20) }, new Uint8Array(20)), 'leaves a gap of 4 bytes');
    await expectInvalid(await craft('late-start.safetensors', { a: f32(4, 12) }, new Uint8Array(12)), 'to begin at the start of the data region (0)');
    await expectInvalid(await craft('truncated.safetensors', { a: f32(0, 8), b: f32(8, 16) }, new Uint8Array(13)), 'at least 16 bytes', 'found 13 bytes: the file is truncated');
    await expectInvalid(await craft('trailing.safetensors', { a: f32(0, 8) }, data), 'cover the data region (16 bytes)', '8 trailing bytes');
  });

  it('rejects __metadata__ that is not a map of strings', async () => {
    await expectInvalid(await craft('meta-array.safetensors', { __metadata__: ['x'] }), '__metadata__ to be an object of strings');
    await expectInvalid(await craft('meta-number.safetensors', { __metadata__: { epochs: 3 } }), '__metadata__ "epochs" to be a string', 'found 3');
  });

  it('names a missing tensor and refuses to read integers as float32', async () => {
    const path = await craft('ints.safetensors', { i: { dtype: 'I32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4));
    const header = await readSafetensorsHeader(path);
    await expect(readTensorFloat32(header, 'nope')).rejects.toThrow('expected a tensor named "nope"');
    await expect(readTensorFloat32(header, 'i')).rejects.toThrow('to be F32, F16 or BF16');
  });

  it('reports a file truncated after its header was read', async () => {
    const path = join(dir, 'shrinking.safetensors');
    await writeSafetensors(path, [{ name: 'w', dtype: 'F32', shape: [4], data: new Float32Array(4) }]);
    const header = await readSafetensorsHeader(path);
    const raw = await readFile(path);
    await writeFile(path, raw.subarray(0, raw.byteLength - 6));
    await expect(readTensorFloat32(header, 'w')).rejects.toThrow(/expected 16 bytes at offset \d+, found only 10: the file is truncated/);
  });
});
