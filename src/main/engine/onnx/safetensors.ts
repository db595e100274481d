/**
 * safetensors reader: header parsing with full validation, and tensor reads at an offset.
 *
 * Format (https://huggingface.co/docs/safetensors, "Format"):
 *   8 bytes   N, unsigned 64-bit little-endian: byte length of the header
 *   N bytes   UTF-8 JSON object { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { string: string } },
 *             which may be padded at the end with spaces (0x20)
 *   rest      the data region; data_offsets are relative to its start, and the tensors must tile it
 *             exactly (no gaps, no overlaps, nothing left over), as the reference implementation enforces.
 *
 * The point of exposing absolute offsets: an ONNX initializer stored as external data can point
 * straight into the file (offset = 8 + N + begin, length = end - begin), and onnxruntime
 * memory-maps it instead of copying. Nothing here reads the whole file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { bfloat16ToFloat32, float16ToFloat32 } from './dtypes';

/** Bytes per element of each dtype in the spec (sub-byte float formats are not supported). */
export const SAFETENSORS_DTYPE_SIZES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
} as const;

export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPE_SIZES;

/** The reference implementation refuses headers above 100 MB; so do we, before allocating them. */
export const MAX_HEADER_BYTES = 100_000_000;

/** Size of the little-endian u64 header length that opens every file. */
export const HEADER_LENGTH_BYTES = 8;

/** A malformed or unreadable safetensors file. `expected` and `found` say what did not match. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}: not a valid safetensors file: expected ${expected}, found ${found}`);
  }
}

export interface SafetensorsTensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte offset of the first element in the file: 8 + header length + data_offsets[0]. */
  byteOffset: number;
  /** Exact byte length of the tensor's data (element count times element size). */
  byteLength: number;
}

export interface SafetensorsHeader {
  path: string;
  fileSize: number;
  /** N, the JSON header's byte length (including any padding). */
  headerLength: number;
  /** Absolute offset of the data region: 8 + N. */
  dataOffset: number;
  metadata: Record<string, string>;
  /** In file order (ascending offset). */
  tensors: SafetensorsTensorInfo[];
}

/** Reads and validates the header of the file at `path`; reads only the header bytes. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const handle = await open(path, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    if (fileSize < HEADER_LENGTH_BYTES) {
      throw new SafetensorsError(path, `at least ${HEADER_LENGTH_BYTES} bytes (the header length)`, `a ${fileSize}-byte file`);
    }
    const prefix = await readExactly(handle, path, 0, HEADER_LENGTH_BYTES);
    const declared = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength).readBigUInt64LE(0);
    const room = fileSize - HEADER_LENGTH_BYTES;
    if (declared > BigInt(Math.min(room, MAX_HEADER_BYTES))) {
      const limit = room < MAX_HEADER_BYTES ? `the ${room} bytes after the length field` : `the ${MAX_HEADER_BYTES}-byte limit`;
      throw new SafetensorsError(path, `a header length within ${limit}`, `a header length of ${declared} bytes`);
    }
    const headerLength = Number(declared);
    const json = await readExactly(handle, path, HEADER_LENGTH_BYTES, headerLength);
    return parseSafetensorsHeader(path, json, fileSize);
  } finally {
    await handle.close();
  }
}

/** Validates header JSON bytes against the file size; `path` only labels errors. */
export function parseSafetensorsHeader(path: string, json: Uint8Array, fileSize: number): SafetensorsHeader {
  const fail = (expected: string, found: string): never => {
    throw new SafetensorsError(path, expected, found);
  };
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (error) {
    return fail('a UTF-8 JSON header', `unparseable header (${(error as Error).message})`);
  }
  if (!isPlainObject(header)) return fail('a JSON object as header', describe(header));

  const headerLength = json.byteLength;
  const dataOffset = HEADER_LENGTH_BYTES + headerLength;
  const dataLength = fileSize - dataOffset;
  let metadata: Record<string, string> = {};
  const tensors: (SafetensorsTensorInfo & { begin: number; end: number })[] = [];

  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(entry, fail);
      continue;
    }
    const where = `tensor "${name}"`;
    if (!isPlainObject(entry)) return fail(`${where} to be an object`, describe(entry));
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string' || !Object.hasOwn(SAFETENSORS_DTYPE_SIZES, dtype)) {
      return fail(`${where} dtype to be one of ${Object.keys(SAFETENSORS_DTYPE_SIZES).join(', ')}`, describe(dtype));
    }
    if (!Array.isArray(shape) || !shape.every(isCount)) {
      return fail(`${where} shape to be an array of non-negative integers`, describe(shape));
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      return fail(`${where} data_offsets to be [begin, end] with 0 <= begin <= end`, describe(offsets));
    }
    const [begin, end] = offsets as [number, number];
    const itemSize = SAFETENSORS_DTYPE_SIZES[dtype as SafetensorsDtype];
    const byteLength = (shape as number[]).reduce((n, d) => n * d, 1) * itemSize;
    if (!Number.isSafeInteger(byteLength)) return fail(`${where} shape to have a countable size`, describe(shape));
    if (end - begin !== byteLength) {
      return fail(
        `${where} data_offsets to span ${byteLength} bytes (${dtype} [${shape.join(', ')}])`,
        `[${begin}, ${end}] (${end - begin} bytes)`,
      );
    }
    tensors.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], byteOffset: dataOffset + begin, byteLength, begin, end });
  }

  // The tensors must tile the data region: sorted by offset, each starts where the previous ended.
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const t of tensors) {
    if (t.begin !== cursor) {
      const previous = cursor === 0 ? 'the start of the data region (0)' : `the end of the previous tensor (${cursor})`;
      const problem = t.begin < cursor ? 'overlaps the previous tensor' : `leaves a gap of ${t.begin - cursor} bytes`;
      return fail(`tensor "${t.name}" to begin at ${previous}`, `data_offsets [${t.begin}, ${t.end}], which ${problem}`);
    }
    cursor = t.end;
  }
  if (cursor > dataLength) {
    return fail(`a data region of at least ${cursor} bytes (header offsets end there)`, `${dataLength} bytes: the file is truncated`);
  }
  if (cursor < dataLength) {
    return fail(`the tensors to cover the data region (${dataLength} bytes)`, `${dataLength - cursor} trailing bytes no tensor claims`);
  }
  return {
    path,
    fileSize,
    headerLength,
    dataOffset,
    metadata,
    tensors: tensors.map(({ name, dtype, shape, byteOffset, byteLength }) => ({ name, dtype, shape, byteOffset, byteLength })),
  };
}

function parseMetadata(entry: unknown, fail: (expected: string, found: string) => never): Record<string, string> {
  if (!isPlainObject(entry)) return fail('__metadata__ to be an object of strings', describe(entry));
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== 'string') return fail(`__metadata__ "${key}" to be a string`, describe(value));
  }
  return entry as Record<string, string>;
}

/** Looks a tensor up by name, with an error that names the file. */
export function getTensorInfo(header: SafetensorsHeader, name: string): SafetensorsTensorInfo {
  const info = header.tensors.find((t) => t.name === name);
  if (!info) throw new SafetensorsError(header.path, `a tensor named "${name}"`, `${header.tensors.length} tensors without it`);
  return info;
}

/** Reads one tensor's raw little-endian bytes, and nothing else of the file. */
export async function readTensorBytes(header: SafetensorsHeader, name: string): Promise<Uint8Array> {
  return readRange(header.path, getTensorInfo(header, name));
}

/** Reads one F32, F16 or BF16 tensor as float32 (half types widened exactly). */
export async function readTensorFloat32(header: SafetensorsHeader, name: string): Promise<Float32Array> {
  const info = getTensorInfo(header, name);
  if (info.dtype !== 'F32' && info.dtype !== 'F16' && info.dtype !== 'BF16') {
    throw new SafetensorsError(header.path, `tensor "${name}" to be F32, F16 or BF16 to read it as float32`, info.dtype);
  }
  // readRange allocates a fresh, zero-offset buffer, so these views are aligned and copy nothing.
  const bytes = await readRange(header.path, info);
  const count = info.byteLength / SAFETENSORS_DTYPE_SIZES[info.dtype];
  if (info.dtype === 'F32') return new Float32Array(bytes.buffer, 0, count);
  const halves = new Uint16Array(bytes.buffer, 0, count);
  return info.dtype === 'F16' ? float16ToFloat32(halves) : bfloat16ToFloat32(halves);
}

async function readRange(path: string, { byteOffset, byteLength }: SafetensorsTensorInfo): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    return await readExactly(handle, path, byteOffset, byteLength);
  } finally {
    await handle.close();
  }
}

/** Reads exactly `length` bytes at `position` into a fresh buffer; a short read means truncation. */
async function readExactly(handle: FileHandle, path: string, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(new ArrayBuffer(length));
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, done, length - done, position + done);
    if (bytesRead === 0) {
      throw new SafetensorsError(path, `${length} bytes at offset ${position}`, `only ${done}: the file is truncated`);
    }
    done += bytesRead;
  }
  return bytes;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** A short description of a JSON value for error messages. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
