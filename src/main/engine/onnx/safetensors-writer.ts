/**
 * safetensors writer (format: see ./safetensors.ts). Output is atomic: a temp file in the same
 * directory, fsync, rename, fsync of the directory (../../fs/atomic-write.ts).
 *
 * Two layers: `SafetensorsWriter` streams one tensor at a time in a declared order (the header,
 * which holds every offset, has to be written first), so a caller never holds all tensors in
 * memory; `writeSafetensors` writes a list of in-memory tensors through it.
 */
import { openAtomicFile, type AtomicFile } from '../../fs/atomic-write';
import { HEADER_LENGTH_BYTES, SAFETENSORS_DTYPE_SIZES, type SafetensorsDtype } from './safetensors';

export interface TensorSpec {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
}

export interface TensorToWrite extends TensorSpec {
  /** Raw little-endian elements of `dtype`: Float32Array for F32, Uint16Array bit patterns for F16/BF16 (see ./dtypes.ts). */
  data: ArrayBufferView;
}

// The header is padded with spaces so the data region starts 8-byte aligned, as the
// reference writer does; with wider dtypes first every tensor is then aligned to its element size.
const HEADER_ALIGNMENT = 8;

/** The 8-byte length and the padded JSON header for tensors laid out in the given order. */
export function encodeSafetensorsHeader(specs: readonly TensorSpec[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const spec of specs) {
    const end = offset + byteLengthOf(spec);
    header[spec.name] = { dtype: spec.dtype, shape: spec.shape, data_offsets: [offset, end] };
    offset = end;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.byteLength / HEADER_ALIGNMENT) * HEADER_ALIGNMENT;
  const out = Buffer.alloc(HEADER_LENGTH_BYTES + padded, 0x20);
  out.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(out, HEADER_LENGTH_BYTES);
  return out;
}

function byteLengthOf(spec: TensorSpec): number {
  return spec.shape.reduce((n, d) => n * d, 1) * SAFETENSORS_DTYPE_SIZES[spec.dtype];
}

/** Checks names, dtypes, shapes and metadata before any byte is written. */
function validateSpecs(path: string, specs: readonly TensorSpec[], metadata: Record<string, string>): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    const where = `${path}: tensor "${spec.name}"`;
    if (spec.name === '' || spec.name === '__metadata__') throw new Error(`${where}: the name is reserved or empty`);
    if (seen.has(spec.name)) throw new Error(`${where} appears twice`);
    seen.add(spec.name);
    if (!Object.hasOwn(SAFETENSORS_DTYPE_SIZES, spec.dtype)) {
      throw new Error(`${where}: expected a dtype among ${Object.keys(SAFETENSORS_DTYPE_SIZES).join(', ')}, got ${spec.dtype}`);
    }
    if (!spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`${where}: expected a shape of non-negative integers, got [${spec.shape.join(', ')}]`);
    }
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new Error(`${path}: metadata "${key}" must be a string, got ${typeof value}`);
  }
}

/** Writes tensors one by one, in the order declared at open; refuses anything out of order. */
export class SafetensorsWriter {
  #next = 0;
  #state: 'tensors' | 'committed' | 'aborted' = 'tensors';

  private constructor(
    private readonly file: AtomicFile,
    private readonly specs: readonly TensorSpec[],
  ) {}

  /** Validates the layout and writes the header; tensors follow in `specs` order. */
  static async open(path: string, specs: readonly TensorSpec[], metadata: Record<string, string> = {}): Promise<SafetensorsWriter> {
    validateSpecs(path, specs, metadata);
    const file = await openAtomicFile(path);
    try {
      await file.write(encodeSafetensorsHeader(specs, metadata));
    } catch (error) {
      await file.abort();
      throw error;
    }
    return new SafetensorsWriter(file, specs);
  }

  /** The tensor the next `writeTensor` must supply, or undefined when all are written. */
  get nextTensor(): TensorSpec | undefined {
    return this.specs[this.#next];
  }

  async writeTensor(name: string, data: ArrayBufferView): Promise<void> {
    this.#expectWriting(`write tensor "${name}"`);
    const spec = this.specs[this.#next];
    if (!spec) throw new Error(`${this.file.path}: expected no more tensors, got "${name}"`);
    if (spec.name !== name) throw new Error(`${this.file.path}: expected tensor "${spec.name}" next, got "${name}"`);
    const expected = byteLengthOf(spec);
    if (data.byteLength !== expected) {
      throw new Error(
        `${this.file.path}: tensor "${name}" (${spec.dtype} [${spec.shape.join(', ')}]) expected ${expected} bytes, got ${data.byteLength}`,
      );
    }
    await this.file.write(data);
    this.#next++;
  }

  /** Publishes the file under its name; every declared tensor must have been written. */
  async commit(): Promise<void> {
    this.#expectWriting('commit');
    const missing = this.specs.slice(this.#next).map((s) => `"${s.name}"`);
    if (missing.length > 0) throw new Error(`${this.file.path}: expected every tensor written before commit, missing ${missing.join(', ')}`);
    await this.file.commit();
    this.#state = 'committed';
  }

  /** Drops the temp file; the target path is left as it was. */
  async abort(): Promise<void> {
    if (this.#state !== 'tensors') return;
    this.#state = 'aborted';
    await this.file.abort();
  }

  #expectWriting(action: string): void {
    if (this.#state !== 'tensors') throw new Error(`${this.file.path}: cannot ${action}, the writer is ${this.#state}`);
  }
}

/**
 * Writes in-memory tensors atomically. Wider dtypes go first (stable otherwise), so every
 * tensor's data is aligned to its element size, as the reference implementation arranges.
 */
export async function writeSafetensors(path: string, tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): Promise<void> {
  const ordered = [...tensors].sort((a, b) => SAFETENSORS_DTYPE_SIZES[b.dtype] - SAFETENSORS_DTYPE_SIZES[a.dtype]);
  const writer = await SafetensorsWriter.open(path, ordered, metadata);
  try {
    for (const tensor of ordered) await writer.writeTensor(tensor.name, tensor.data);
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
