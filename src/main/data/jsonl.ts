/**
 * Streams a JSONL file record by record with 1-based line numbers, so a 1 GB file never needs
 * 1 GB of heap and every problem can name its line. Blank lines are skipped; a line that is
 * not JSON is reported, not thrown, so one bad row does not hide the others.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export type JsonlRecord = { line: number; value: unknown } | { line: number; error: string };

export async function* readJsonl(path: string): AsyncGenerator<JsonlRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    // A UTF-8 byte order mark on the first line is an editor artefact, not data.
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (trimmed === '') continue;
    try {
      yield { line, value: JSON.parse(trimmed) as unknown };
    } catch (error) {
      yield { line, error: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
    }
  }
}
