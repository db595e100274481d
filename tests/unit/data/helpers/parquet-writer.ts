/**
 * A minimal Parquet writer for tests, independent of the reader under test (hyparquet): flat
 * columns of UTF-8 strings or INT64, REQUIRED or OPTIONAL, PLAIN-encoded, uncompressed, one
 * data page (v1) per column chunk, any number of row groups. The layout follows the spec
 * (https://parquet.apache.org/docs/file-format/): "PAR1", column chunks, the Thrift
 * compact-protocol FileMetaData, its length (4 bytes LE), "PAR1".
 */
import { writeFile } from 'node:fs/promises';

export interface ParquetColumn {
  name: string;
  type: 'string' | 'int64';
  /** Values per row; null only in optional columns. */
  values: readonly (string | number | null)[];
  optional?: boolean;
}

export interface ParquetWriteOptions {
  rowsPerGroup?: number;
  /** The codec written in the metadata (data stays uncompressed): for testing refusals. */
  codec?: 'UNCOMPRESSED' | 'ZSTD';
}

// Thrift compact protocol type ids (thrift/doc/specs/thrift-compact-protocol.md).
const T = { I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;
// parquet.thrift enums.
const TYPE = { INT64: 2, BYTE_ARRAY: 6 } as const;
const CODEC = { UNCOMPRESSED: 0, ZSTD: 6 } as const;
const ENCODING = { PLAIN: 0, RLE: 3 } as const;

class Compact {
  readonly bytes: number[] = [];
  #last: number[] = [0];

  varint(n: bigint): void {
    let v = n;
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      this.bytes.push(b);
    } while (v > 0n);
  }

  zigzag(n: number | bigint): void {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n);
  }

  field(id: number, type: number): void {
    const delta = id - this.#last[this.#last.length - 1]!;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.#last[this.#last.length - 1] = id;
  }

  i32(id: number, n: number): void {
    this.field(id, T.I32);
    this.zigzag(n);
  }

  i64(id: number, n: number): void {
    this.field(id, T.I64);
    this.zigzag(n);
  }

  string(id: number, s: string): void {
    this.field(id, T.BINARY);
    this.binary(s);
  }

  binary(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
  }

  list(id: number, elementType: number, items: readonly unknown[], write: (item: never) => void): void {
    this.field(id, T.LIST);
    if (items.length < 15) this.bytes.push((items.length << 4) | elementType);
    else {
      this.bytes.push(0xf0 | elementType);
      this.varint(BigInt(items.length));
    }
    for (const item of items) write(item as never);
  }

  struct(id: number | null, body: () => void): void {
    if (id !== null) this.field(id, T.STRUCT);
    this.#last.push(0);
    body();
    this.bytes.push(0); // stop
    this.#last.pop();
  }
}

/** RLE/bit-packed hybrid with bit width 1, written as RLE runs: definition levels of an optional column. */
function definitionLevels(values: readonly unknown[]): Buffer {
  const out: number[] = [];
  for (let i = 0; i < values.length; ) {
    const level = values[i] === null ? 0 : 1;
    let run = 1;
    while (i + run < values.length && (values[i + run] === null ? 0 : 1) === level) run += 1;
    const header = new Compact();
    header.varint(BigInt(run << 1));
    out.push(...header.bytes, level);
    i += run;
  }
  const length = Buffer.alloc(4);
  length.writeUInt32LE(out.length);
  return Buffer.concat([length, Buffer.from(out)]);
}

function plainValues(column: ParquetColumn, values: readonly (string | number | null)[]): Buffer {
  const parts: Buffer[] = [];
  for (const value of values) {
    if (value === null) continue;
    if (column.type === 'int64') {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(value));
      parts.push(b);
    } else {
      const text = Buffer.from(String(value), 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(text.length);
      parts.push(length, text);
    }
  }
  return Buffer.concat(parts);
}

export async function writeParquet(path: string, columns: readonly ParquetColumn[], options: ParquetWriteOptions = {}): Promise<void> {
  const rows = columns[0]!.values.length;
  const perGroup = options.rowsPerGroup ?? rows;
  const codec = CODEC[options.codec ?? 'UNCOMPRESSED'];
  const chunks: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const groups: { columns: { offset: number; size: number; values: number }[]; rows: number; bytes: number }[] = [];
  for (let start = 0; start < rows; start += perGroup) {
    const end = Math.min(rows, start + perGroup);
    const group = { columns: [] as { offset: number; size: number; values: number }[], rows: end - start, bytes: 0 };
    for (const column of columns) {
      const values = column.values.slice(start, end);
      const data = Buffer.concat([...(column.optional ? [definitionLevels(values)] : []), plainValues(column, values)]);
      const header = new Compact();
      header.struct(null, () => {
        header.i32(1, 0); // DATA_PAGE
        header.i32(2, data.length);
        header.i32(3, data.length);
        header.struct(5, () => {
          header.i32(1, values.length);
          header.i32(2, ENCODING.PLAIN);
          header.i32(3, ENCODING.RLE);
          header.i32(4, ENCODING.RLE);
        });
      });
      const page = Buffer.concat([Buffer.from(header.bytes), data]);
      group.columns.push({ offset, size: page.length, values: values.length });
      group.bytes += page.length;
      chunks.push(page);
      offset += page.length;
    }
    groups.push(group);
  }

  const meta = new Compact();
  meta.struct(null, () => {
    meta.i32(1, 1);
    meta.list(2, T.STRUCT, [null, ...columns], (column: ParquetColumn | null) =>
      meta.struct(null, () => {
        if (column === null) {
          meta.string(4, 'schema');
          meta.i32(5, columns.length);
          return;
        }
        meta.i32(1, column.type === 'int64' ? TYPE.INT64 : TYPE.BYTE_ARRAY);
        meta.i32(3, column.optional ? 1 : 0);
        meta.string(4, column.name);
        if (column.type === 'string') meta.i32(6, 0); // converted_type UTF8
      }),
    );
    meta.i64(3, rows);
    meta.list(4, T.STRUCT, groups, (group: (typeof groups)[number]) =>
      meta.struct(null, () => {
        meta.list(1, T.STRUCT, group.columns, (chunk: (typeof group.columns)[number]) => {
          const column = columns[group.columns.indexOf(chunk)]!;
          meta.struct(null, () => {
            meta.i64(2, chunk.offset);
            meta.struct(3, () => {
              meta.i32(1, column.type === 'int64' ? TYPE.INT64 : TYPE.BYTE_ARRAY);
              meta.list(2, T.I32, [ENCODING.PLAIN, ENCODING.RLE], (e: number) => meta.zigzag(e));
              meta.list(3, T.BINARY, [column.name], (name: string) => meta.binary(name));
              meta.i32(4, codec);
              meta.i64(5, chunk.values);
              meta.i64(6, chunk.size);
              meta.i64(7, chunk.size);
              meta.i64(9, chunk.offset);
            });
          });
        });
        meta.i64(2, group.bytes);
        meta.i64(3, group.rows);
      }),
    );
  });
  const footer = Buffer.from(meta.bytes);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(footer.length);
  chunks.push(footer, length, Buffer.from('PAR1'));
  await writeFile(path, Buffer.concat(chunks));
}
