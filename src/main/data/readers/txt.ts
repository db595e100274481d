/**
 * Plain text for continued pre-training, as Hugging Face's "text" loader reads it: one row per
 * line by default, or one per paragraph (lines up to a blank line) for hard-wrapped prose.
 * Each row is {text}; positions are the row's first line.
 */
import type { Problem } from '../issues';
import { readByteLines } from './byte-lines';
import { MAX_RECORD_BYTES, type ReadProgress, type SourceRecord } from './record';
import { decodeUtf8 } from './utf8';

export const TEXT_UNITS = ['line', 'paragraph'] as const;
export type TextUnit = (typeof TEXT_UNITS)[number];

export async function* readTxt(path: string, progress: ReadProgress, unit: TextUnit): AsyncGenerator<SourceRecord> {
  let row = 0;
  // A paragraph being gathered: its first line, its lines so far, and any problem in them.
  let paragraph: { line: number; lines: string[]; bytes: number; problem: { line: number; problem: Problem } | null } | null = null;
  const flush = (): SourceRecord | null => {
    if (!paragraph) return null;
    const done = paragraph;
    paragraph = null;
    row += 1;
    if (done.problem) return { row, line: done.problem.line, problem: done.problem.problem };
    return { row, line: done.line, fields: { text: done.lines.join('\n') } };
  };

  for await (const read of readByteLines(path, progress)) {
    const { line } = read;
    const text = 'oversize' in read ? null : decodeUtf8(read.bytes, 'the line');
    if (typeof text === 'string' && text.trim() === '') {
      const done = flush();
      if (done) yield done;
      continue;
    }
    const problem =
      text === null
        ? { code: 'too-long' as const, field: null, message: `the line is longer than ${MAX_RECORD_BYTES / 2 ** 20} MiB` }
        : typeof text === 'string'
          ? null
          : text;
    if (unit === 'line') {
      row += 1;
      yield problem ? { row, line, problem } : { row, line, fields: { text: text as string } };
      continue;
    }
    paragraph ??= { line, lines: [], bytes: 0, problem: null };
    paragraph.bytes += 'oversize' in read ? MAX_RECORD_BYTES + 1 : read.bytes.length;
    if (!problem && paragraph.bytes > MAX_RECORD_BYTES) {
      paragraph.problem ??= { line: paragraph.line, problem: { code: 'too-long', field: null, message: `the paragraph is longer than ${MAX_RECORD_BYTES / 2 ** 20} MiB` } };
    }
    if (problem) paragraph.problem ??= { line, problem };
    // Once the paragraph is known bad, its text is not kept.
    if (paragraph.problem) paragraph.lines = [];
    else paragraph.lines.push(text as string);
  }
  const done = flush();
  if (done) yield done;
}
