/**
 * A file's lines as bytes, streamed. Splitting before decoding lets each line be decoded
 * strictly (bad UTF-8 is reported on its own line, not smoothed over), drops a byte order mark
 * and CRLF endings, says whether the last line had its newline (a missing one after broken JSON
 * means the file was cut short), and refuses to buffer a line past MAX_RECORD_BYTES.
 */
import { createReadStream } from 'node:fs';
import { MAX_RECORD_BYTES, type ReadProgress } from './record';

export interface ByteLine {
  /** 1-based. */
  line: number;
  /** Without the line ending (and without a BOM on line 1). */
  bytes: Buffer;
  /** False for a last line that the file ends without a newline. */
  terminated: boolean;
}

/** A line longer than the limit: its bytes were skipped. */
export interface OversizeLine {
  line: number;
  oversize: true;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export async function* readByteLines(path: string, progress: ReadProgress, maxLineBytes = MAX_RECORD_BYTES): AsyncGenerator<ByteLine | OversizeLine> {
  let parts: Buffer[] = [];
  let pendingBytes = 0;
  let oversize = false;
  let line = 0;

  const finish = (tail: Buffer, terminated: boolean): ByteLine | OversizeLine => {
    line += 1;
    if (oversize || pendingBytes + tail.length > maxLineBytes) return { line, oversize: true };
    let bytes = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
    if (terminated && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    if (line === 1 && bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3);
    return { line, bytes, terminated };
  };
  const reset = () => {
    parts = [];
    pendingBytes = 0;
    oversize = false;
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      const done = finish(chunk.subarray(start, end), true);
      reset();
      start = end + 1;
      yield done;
    }
    const rest = chunk.length - start;
    if (rest > 0 && !oversize) {
      if (pendingBytes + rest > maxLineBytes) {
        // Past the limit: keep counting the line, stop keeping its bytes.
        oversize = true;
        parts = [];
      } else {
        // A copy: a slice would pin the whole 1 MiB chunk while the line grows.
        parts.push(Buffer.from(chunk.subarray(start)));
        pendingBytes += rest;
      }
    }
    progress.bytes += chunk.length;
  }
  if (pendingBytes > 0 || oversize) yield finish(Buffer.alloc(0), false);
}
