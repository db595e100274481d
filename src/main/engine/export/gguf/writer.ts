/**
 * GGUF writer, as an explicit state machine (after gguf-py's GGUFWriter):
 *   metadata -> (writeHeader) -> weights -> (commit) -> committed
 * Metadata and tensor infos are collected first, since the header holds every count and offset;
 * tensor data then streams one tensor at a time, in the declared order, to an atomic temp file.
 */
import { type AtomicFile, openAtomicFile } from '../../../fs/atomic-write';
import { GGML_BLOCKS, GGUF_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, type GgmlType, GgufValueType } from './constants';
import { ARCH_KEYS, type ArchKey, GENERAL_KEYS, type GeneralKey, type KeyKind, type KindValue } from './keys';

export interface GgufTensorInfo {
  readonly name: string;
  /** Row-major shape as in safetensors, e.g. [out, in]; written reversed as ggml's ne. */
  readonly shape: readonly number[];
  readonly type: GgmlType;
}

/** Bytes of a tensor's data; the fastest-varying dimension must hold whole blocks. */
export function tensorBytes(info: GgufTensorInfo): number {
  const { elements, bytes } = GGML_BLOCKS[info.type];
  const row = info.shape[info.shape.length - 1] ?? 1;
  if (row % elements !== 0) throw new RangeError(`GGUF tensor "${info.name}": rows of ${row} values do not split into blocks of ${elements}`);
  return (info.shape.reduce((n, d) => n * d, 1) / elements) * bytes;
}

/** Rounds `n` up to a multiple of the alignment: the one place padding is computed. */
export function alignUp(n: number, alignment = GGUF_ALIGNMENT): number {
  return Math.ceil(n / alignment) * alignment;
}

export class GgufWriter {
  #state: 'metadata' | 'weights' | 'committed' | 'aborted' = 'metadata';
  readonly #kv = new ByteBuilder();
  #kvCount = 0;
  readonly #keys = new Set<string>();
  readonly #tensors: GgufTensorInfo[] = [];
  #next = 0;

  private constructor(
    private readonly file: AtomicFile,
    readonly architecture: string,
  ) {}

  static async open(path: string, architecture: string): Promise<GgufWriter> {
    const writer = new GgufWriter(await openAtomicFile(path), architecture);
    writer.add('general.architecture', architecture);
    return writer;
  }

  get path(): string {
    return this.file.path;
  }

  add<K extends GeneralKey>(key: K, value: KindValue<(typeof GENERAL_KEYS)[K]>): void {
    this.#put(key, GENERAL_KEYS[key], value);
  }

  addArch<K extends ArchKey>(key: K, value: KindValue<(typeof ARCH_KEYS)[K]>): void {
    this.#put(`${this.architecture}.${key}`, ARCH_KEYS[key], value);
  }

  addTensorInfo(info: GgufTensorInfo): void {
    this.#expect('metadata', `declare tensor "${info.name}"`);
    if (this.#tensors.some((t) => t.name === info.name)) throw new Error(`${this.path}: tensor "${info.name}" declared twice`);
    tensorBytes(info);
    this.#tensors.push(info);
  }

  /** Writes magic, counts, metadata, tensor infos and the padding before the data section. */
  async writeHeader(): Promise<void> {
    this.#expect('metadata', 'write the header');
    const head = new ByteBuilder();
    head.u32(GGUF_MAGIC).u32(GGUF_VERSION).u64(this.#tensors.length).u64(this.#kvCount);
    head.bytes(this.#kv.finish());
    let offset = 0;
    for (const t of this.#tensors) {
      head.string(t.name).u32(t.shape.length);
      for (const d of [...t.shape].reverse()) head.u64(d);
      head.u32(t.type).u64(offset);
      offset = alignUp(offset + tensorBytes(t));
    }
    const bytes = head.finish();
    await this.file.write(bytes);
    await this.file.write(new Uint8Array(alignUp(bytes.byteLength) - bytes.byteLength));
    this.#state = 'weights';
  }

  /** The tensor `writeTensor` expects next, or undefined when all are written. */
  get nextTensor(): GgufTensorInfo | undefined {
    return this.#tensors[this.#next];
  }

  async writeTensor(name: string, data: ArrayBufferView): Promise<void> {
    this.#expect('weights', `write tensor "${name}"`);
    const info = this.#tensors[this.#next];
    if (!info || info.name !== name) throw new Error(`${this.path}: expected tensor ${info ? `"${info.name}"` : 'none'} next, got "${name}"`);
    const expected = tensorBytes(info);
    if (data.byteLength !== expected) throw new Error(`${this.path}: tensor "${name}" expected ${expected} bytes, got ${data.byteLength}`);
    await this.file.write(data);
    await this.file.write(new Uint8Array(alignUp(expected) - expected));
    this.#next++;
  }

  async commit(): Promise<void> {
    this.#expect('weights', 'commit');
    if (this.#next < this.#tensors.length) throw new Error(`${this.path}: ${this.#tensors.length - this.#next} tensor(s) left unwritten, from "${this.#tensors[this.#next]!.name}"`);
    await this.file.commit();
    this.#state = 'committed';
  }

  async abort(): Promise<void> {
    if (this.#state === 'committed' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    await this.file.abort();
  }

  #put(key: string, kind: KeyKind, value: unknown): void {
    this.#expect('metadata', `add "${key}"`);
    if (this.#keys.has(key)) throw new Error(`${this.path}: metadata key "${key}" added twice`);
    this.#keys.add(key);
    const kv = this.#kv.string(key);
    switch (kind) {
      case 'u32':
        kv.u32(GgufValueType.UINT32).u32(value as number);
        break;
      case 'i32':
        kv.u32(GgufValueType.INT32).i32(value as number);
        break;
      case 'f32':
        kv.u32(GgufValueType.FLOAT32).f32(value as number);
        break;
      case 'bool':
        kv.u32(GgufValueType.BOOL).u8(value ? 1 : 0);
        break;
      case 'string':
        kv.u32(GgufValueType.STRING).string(value as string);
        break;
      case 'string[]': {
        const items = value as readonly string[];
        kv.u32(GgufValueType.ARRAY).u32(GgufValueType.STRING).u64(items.length);
        for (const s of items) kv.string(s);
        break;
      }
      case 'i32[]': {
        const items = value as readonly number[];
        kv.u32(GgufValueType.ARRAY).u32(GgufValueType.INT32).u64(items.length);
        for (const n of items) kv.i32(n);
        break;
      }
    }
    this.#kvCount++;
  }

  #expect(state: 'metadata' | 'weights', action: string): void {
    if (this.#state !== state) throw new Error(`${this.path}: cannot ${action}: expected the writer in state ${state}, got ${this.#state}`);
  }
}

/** Little-endian bytes appended into a growing buffer. */
class ByteBuilder {
  #buffer = Buffer.alloc(1 << 16);
  #length = 0;

  /** Reserves n bytes and returns their offset. It may replace #buffer, so read #buffer only after calling it. */
  #room(n: number): number {
    if (this.#length + n > this.#buffer.length) {
      const grown = Buffer.alloc(Math.max(this.#buffer.length * 2, this.#length + n));
      this.#buffer.copy(grown, 0, 0, this.#length);
      this.#buffer = grown;
    }
    const at = this.#length;
    this.#length += n;
    return at;
  }

  u8(v: number): this {
    const at = this.#room(1);
    this.#buffer.writeUInt8(v, at);
    return this;
  }
  u32(v: number): this {
    const at = this.#room(4);
    this.#buffer.writeUInt32LE(v, at);
    return this;
  }
  i32(v: number): this {
    const at = this.#room(4);
    this.#buffer.writeInt32LE(v, at);
    return this;
  }
  f32(v: number): this {
    const at = this.#room(4);
    this.#buffer.writeFloatLE(v, at);
    return this;
  }
  u64(v: number): this {
    const at = this.#room(8);
    this.#buffer.writeBigUInt64LE(BigInt(v), at);
    return this;
  }
  string(s: string): this {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.byteLength);
    return this.bytes(bytes);
  }
  bytes(b: Uint8Array): this {
    const at = this.#room(b.byteLength);
    this.#buffer.set(b, at);
    return this;
  }
  finish(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }
}
