/**
 * A pass-through stream that notes, for the bytes flowing to a parser, where the newlines are
 * and which lines are not valid UTF-8. csv-parse decodes with replacement characters and its
 * own line count drifts on CRLF files; with this beside it each record gets its true first line
 * and bad bytes are caught. Bytes reach this stream before the parser, so any offset the parser
 * reports has already been seen here. Queues are consumed in offset order and stay small.
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { firstInvalidUtf8, sequenceLength } from './utf8';

const NEWLINE = 0x0a;

/** A FIFO of increasing numbers that drops what has been consumed. */
class Queue {
  #items: number[] = [];
  #head = 0;

  push(value: number): void {
    this.#items.push(value);
  }

  peek(): number | undefined {
    return this.#items[this.#head];
  }

  shift(): void {
    this.#head += 1;
    if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}

export class LineTracker extends Transform {
  /** Absolute offset of the next byte to arrive. */
  #offset = 0;
  /** Newlines seen before `#offset`. */
  #lines = 0;
  readonly #newlines = new Queue();
  #consumedNewlines = 0;
  readonly #badLines = new Queue();
  /** The start of a multi-byte character cut off at the end of the last chunk. */
  #carry: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const chunkNewlines: number[] = [];
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) chunkNewlines.push(i);
    this.#checkUtf8(chunk, chunkNewlines);
    for (const i of chunkNewlines) this.#newlines.push(this.#offset + i);
    this.#offset += chunk.length;
    this.#lines += chunkNewlines.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    // A character cut off by the end of the file.
    if (this.#carry.length > 0) this.#badLines.push(this.#lines + 1);
    callback();
  }

  /** Newlines before `offset`; offsets must not decrease between calls. */
  newlinesBefore(offset: number): number {
    for (let head = this.#newlines.peek(); head !== undefined && head < offset; head = this.#newlines.peek()) {
      this.#newlines.shift();
      this.#consumedNewlines += 1;
    }
    return this.#consumedNewlines;
  }

  /** Whether the byte at `offset` is a newline (call after newlinesBefore(offset)). */
  newlineAt(offset: number): boolean {
    return this.#newlines.peek() === offset;
  }

  /** The first line in [first, last] holding invalid UTF-8, or null; lines before `first` are forgotten. */
  badLineIn(first: number, last: number): number | null {
    for (let head = this.#badLines.peek(); head !== undefined && head < first; head = this.#badLines.peek()) this.#badLines.shift();
    const head = this.#badLines.peek();
    return head !== undefined && head <= last ? head : null;
  }

  #checkUtf8(chunk: Buffer, chunkNewlines: readonly number[]): void {
    const bytes = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    const shift = this.#carry.length;
    // Hold back a character the chunk boundary cuts in two.
    let end = bytes.length;
    for (let back = 1; back <= 3 && back <= bytes.length; back++) {
      const b = bytes[bytes.length - back]!;
      if ((b & 0xc0) === 0x80) continue;
      if (sequenceLength(b) > back) end = bytes.length - back;
      break;
    }
    this.#carry = Buffer.from(bytes.subarray(end));
    if (isUtf8(bytes.subarray(0, end))) return;
    let before = 0;
    let at = firstInvalidUtf8(bytes, 0, end);
    while (at !== -1) {
      // The line holding byte `at`: lines before this chunk, plus the chunk's newlines before it.
      const inChunk = at - shift;
      while (before < chunkNewlines.length && chunkNewlines[before]! < inChunk) before += 1;
      this.#badLines.push(this.#lines + before + 1);
      // One report per line: go on after this line's newline.
      if (before >= chunkNewlines.length) break;
      at = firstInvalidUtf8(bytes, chunkNewlines[before]! + shift + 1, end);
    }
  }
}
