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
import { Graph, type ExternalData } from '../../../src/main/engine/onnx/graph';
import { Gemm } from '../../../src/main/engine/onnx/ops';
import { readSafetensorsHeader, SafetensorsError, type SafetensorsHeader } from '../../../src/main/engine/onnx/safetensors';
import { writeSafetensors } from '../../../src/main/engine/onnx/safetensors-writer';
import { serializeModel } from '../../../src/main/engine/onnx/serialize';
import { EngineSession, SessionError, type Feeds } from '../../../src/main/engine/onnx/session';
import { onnx } from 'onnx-proto';

const OUT = 3;
const IN = 4;
const TOKENS = 2;

// Deterministic weights with values that float16 and bfloat16 must round.
const master = Float32Array.from({ length: OUT * IN }, (_, i) => Math.sin(i * 1.7) * 3.3);
const stored = {
  w32: { dtype: 'F32', element: 'float32', bytes: master },
  w16: { dtype: 'F16', element: 'float16', bytes: float32ToFloat16(master) },
  wbf: { dtype: 'BF16', element: 'bfloat16', bytes: float32ToBfloat16(master) },
} as const;
type WeightName = keyof typeof stored;
const names = Object.keys(stored) as WeightName[];

/**
 * y_<w> = x W^T (Gemm transB) for each stored weight, built by the engine's graph builder: the half
 * types are cast to float32 inside the graph. `external` gives where each weight lives, or none to embed it.
 */
function graphWith(external?: (w: WeightName) => ExternalData): Uint8Array {
  const g = new Graph('external_data');
  const x = g.input('x', 'float32', [TOKENS, IN]);
  for (const w of names) {
    const shape = [OUT, IN];
    const where = external ? { external: external(w) } : { data: stored[w].bytes };
    const W = g.initializer(w, { shape, stored: stored[w].element, dtype: 'float32', ...where }); // [OUT, IN]
    g.output(Gemm(g, x, W, undefined, { transB: 1 }), `y_${w}`); // [TOKENS, OUT]
  }
  return serializeModel(g);
}

/** Where each weight lies in a safetensors file, from its header. */
function externalData(header: SafetensorsHeader, location: string): (w: WeightName) => ExternalData {
  return (w) => {
    const info = header.tensors.find((t) => t.name === w)!;
    return { location, offset: info.byteOffset, length: info.byteLength };
  };
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
    await writeFile(embeddedPath, graphWith());
    const expected = await runModel(embeddedPath);

    await writeFile(join(dir, 'aligned.onnx'), graphWith(externalData(aligned, 'aligned.safetensors')));

    await writeUnaligned(join(dir, 'unaligned.safetensors'));
    const unaligned = await readSafetensorsHeader(join(dir, 'unaligned.safetensors'));
    expect(unaligned.tensors.filter((t) => t.name !== 'pad').every((t) => t.byteOffset % 2 === 1)).toBe(true);
    await writeFile(join(dir, 'unaligned.onnx'), graphWith(externalData(unaligned, 'unaligned.safetensors')));

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
    await writeFile(join(dir, 'short.onnx'), graphWith(externalData(aligned, 'short.safetensors')));
    await truncate(join(dir, 'short.safetensors'), aligned.fileSize - 5);

    await expect(readSafetensorsHeader(join(dir, 'short.safetensors'))).rejects.toThrow('the file is truncated');
    const error = await EngineSession.create(join(dir, 'short.onnx'), { device: 'cpu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect((error as Error).message).toMatch(/External initializer: wbf offset: \d+ size to read: 24 given file_length: \d+ are out of bounds/);
  });

  it('fails with a message when an initializer length does not match its tensor', async () => {
    // The graph builder refuses a wrong length, so edit one into a serialized model.
    const model = onnx.ModelProto.decode(graphWith(externalData(aligned, 'aligned.safetensors')));
    const length = model.graph!.initializer!.find((t) => t.name === 'w32')!.externalData!.find((e) => e.key === 'length')!;
    length.value = String(Number(length.value) - 4);
    await writeFile(join(dir, 'wrong-length.onnx'), onnx.ModelProto.encode(model).finish());
    const error = await EngineSession.create(join(dir, 'wrong-length.onnx'), { device: 'cpu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect((error as Error).message).toContain('w32 external data size mismatch. Computed size: 48, external_data.length: 44');
  });
});
