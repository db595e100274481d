/**
 * Weights read by onnxruntime straight out of a .safetensors file (ONNX external data) must
 * give exactly what the same weights embedded in the model give, for F32, F16 and BF16
 * storage, at any byte offset; a damaged file must fail with a message, not take the process down.
 */
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from '../../../src/main/engine/onnx/dtypes';
import { readSafetensorsHeader, SafetensorsError, type SafetensorsHeader } from '../../../src/main/engine/onnx/safetensors';
import { writeSafetensors } from '../../../src/main/engine/onnx/safetensors-writer';
import { EngineSession, SessionError, type Feeds } from '../../../src/main/engine/onnx/session';
import { BFLOAT16, embedded, external, FLOAT, FLOAT16, intAttribute, modelBytes, node, valueInfo } from './onnx-models';
import type { onnx } from 'onnx-proto';

const OUT = 3;
const IN = 4;
const TOKENS = 2;

// Deterministic weights with values that float16 and bfloat16 must round.
const master = Float32Array.from({ length: OUT * IN }, (_, i) => Math.sin(i * 1.7) * 3.3);
const stored = {
  w32: { dtype: 'F32', onnx: FLOAT, bytes: master },
  w16: { dtype: 'F16', onnx: FLOAT16, bytes: float32ToFloat16(master) },
  wbf: { dtype: 'BF16', onnx: BFLOAT16, bytes: float32ToBfloat16(master) },
} as const;
type WeightName = keyof typeof stored;
const names = Object.keys(stored) as WeightName[];

/** y_<w> = x W^T for each stored weight, the half types cast to float32 inside the graph. */
function graphWith(initializers: onnx.ITensorProto[]): Uint8Array {
  const nodes = names.flatMap((w) => {
    const f32 = w === 'w32' ? w : `${w}_f32`;
    const cast = w === 'w32' ? [] : [node('Cast', [w], [f32], [intAttribute('to', FLOAT)])];
    return [...cast, node('Gemm', ['x', f32], [`y_${w}`], [intAttribute('transB', 1)])];
  });
  return modelBytes({
    name: 'external_data',
    node: nodes,
    initializer: initializers,
    input: [valueInfo('x', FLOAT, [TOKENS, IN])],
    output: names.map((w) => valueInfo(`y_${w}`, FLOAT, [TOKENS, OUT])),
  });
}

/** Initializers pointing into a safetensors file, at the offsets its header gives. */
function externalInitializers(header: SafetensorsHeader, location: string): onnx.ITensorProto[] {
  return names.map((w) => {
    const info = header.tensors.find((t) => t.name === w)!;
    return external(w, stored[w].onnx, info.shape, location, info.byteOffset, info.byteLength);
  });
}

/** Independent safetensors writer: a 3-byte tensor first and an unpadded header, so nothing is aligned. */
async function writeUnaligned(path: string): Promise<void> {
  const entries: Record<string, unknown> = { pad: { dtype: 'U8', shape: [3], data_offsets: [0, 3] } };
  const chunks: Uint8Array[] = [new Uint8Array([1, 2, 3])];
  let offset = 3;
  for (const w of names) {
    const { bytes, dtype } = stored[w];
    entries[w] = { dtype, shape: [OUT, IN], data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    offset += bytes.byteLength;
  }
  let json = JSON.stringify(entries);
  // An even data start (padding the header by one space if needed) puts every weight after the
  // 3-byte pad at an odd offset: no tensor is aligned even to 2 bytes.
  if ((8 + json.length) % 2 === 1) json += ' ';
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  await writeFile(path, Buffer.concat([prefix, Buffer.from(json), ...chunks]));
}

let dir: string;
const x = Float32Array.from({ length: TOKENS * IN }, (_, i) => (i % 3) - 0.75);
const feeds = (): Feeds => ({ x: { type: 'float32', data: x, dims: [TOKENS, IN] } });

async function runModel(path: string): Promise<Feeds> {
  const session = await EngineSession.create(path, { device: 'cpu' });
  try {
    return await session.run(feeds());
  } finally {
    await session.release();
  }
}

let aligned: SafetensorsHeader;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'external-data-test-'));
  // Written by our writer: header padded to 8 bytes, tensors aligned to their element size.
  const tensors = names.map((w) => ({ name: w, dtype: stored[w].dtype, shape: [OUT, IN], data: stored[w].bytes }));
  await writeSafetensors(join(dir, 'aligned.safetensors'), tensors);
  aligned = await readSafetensorsHeader(join(dir, 'aligned.safetensors'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('external data from safetensors', () => {
  it('gives the same outputs as embedded weights, for F32, F16 and BF16, aligned or not', async () => {
    const embeddedPath = join(dir, 'embedded.onnx');
    await writeFile(embeddedPath, graphWith(names.map((w) => embedded(w, stored[w].onnx, [OUT, IN], stored[w].bytes))));
    const expected = await runModel(embeddedPath);

    await writeFile(join(dir, 'aligned.onnx'), graphWith(externalInitializers(aligned, 'aligned.safetensors')));

    await writeUnaligned(join(dir, 'unaligned.safetensors'));
    const unaligned = await readSafetensorsHeader(join(dir, 'unaligned.safetensors'));
    expect(unaligned.tensors.filter((t) => t.name !== 'pad').every((t) => t.byteOffset % 2 === 1)).toBe(true);
    await writeFile(join(dir, 'unaligned.onnx'), graphWith(externalInitializers(unaligned, 'unaligned.safetensors')));

    for (const variant of ['aligned.onnx', 'unaligned.onnx']) {
      const actual = await runModel(join(dir, variant));
      for (const w of names) expect(actual[`y_${w}`], `${variant} y_${w}`).toEqual(expected[`y_${w}`]);
    }

    // And the embedded result itself is x W^T with W as stored (float64 reference).
    const widened = { w32: master, w16: float16ToFloat32(stored.w16.bytes), wbf: bfloat16ToFloat32(stored.wbf.bytes) };
    for (const w of names) {
      const y = expected[`y_${w}`].data as Float32Array;
      for (let t = 0; t < TOKENS; t++) {
        for (let o = 0; o < OUT; o++) {
          let sum = 0;
          for (let i = 0; i < IN; i++) sum += x[t * IN + i] * widened[w][o * IN + i];
          expect(y[t * OUT + o]).toBeCloseTo(sum, 5);
        }
      }
    }
    // The half-precision weights really were rounded: the three outputs differ.
    expect(expected.y_w16.data).not.toEqual(expected.y_w32.data);
    expect(expected.y_wbf.data).not.toEqual(expected.y_w16.data);
  });

  it('reports a corrupt safetensors header before any model is built', async () => {
    const path = join(dir, 'corrupt.safetensors');
    const bytes = await readFile(join(dir, 'aligned.safetensors'));
    bytes[8] = 0x5b; // the header's opening '{' becomes '['
    await writeFile(path, bytes);
    await expect(readSafetensorsHeader(path)).rejects.toThrow(SafetensorsError);
    await expect(readSafetensorsHeader(path)).rejects.toThrow(/corrupt\.safetensors: not a valid safetensors file: expected a UTF-8 JSON header/);
  });

  it('fails with a message, not a crash, when the data file was truncated after the model was built', async () => {
    await writeFile(join(dir, 'short.safetensors'), await readFile(join(dir, 'aligned.safetensors')));
    await writeFile(join(dir, 'short.onnx'), graphWith(externalInitializers(aligned, 'short.safetensors')));
    await truncate(join(dir, 'short.safetensors'), aligned.fileSize - 5);

    await expect(readSafetensorsHeader(join(dir, 'short.safetensors'))).rejects.toThrow('the file is truncated');
    const error = await EngineSession.create(join(dir, 'short.onnx'), { device: 'cpu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect((error as Error).message).toMatch(/External initializer: wbf offset: \d+ size to read: 24 given file_length: \d+ are out of bounds/);
  });

  it('fails with a message when an initializer length does not match its tensor', async () => {
    const wrong = externalInitializers(aligned, 'aligned.safetensors');
    const w32 = aligned.tensors.find((t) => t.name === 'w32')!;
    wrong[0] = external('w32', FLOAT, [OUT, IN], 'aligned.safetensors', w32.byteOffset, w32.byteLength - 4);
    await writeFile(join(dir, 'wrong-length.onnx'), graphWith(wrong));
    const error = await EngineSession.create(join(dir, 'wrong-length.onnx'), { device: 'cpu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect((error as Error).message).toContain('w32 external data size mismatch. Computed size: 48, external_data.length: 44');
  });
});
