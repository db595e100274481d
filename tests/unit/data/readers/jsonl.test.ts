import { describe, expect, it } from 'vitest';
import { readJsonl } from '../../../../src/main/data/readers/jsonl';
import { collect, useTempDir } from '../helpers/temp-files';

const files = useTempDir('jsonl');
const read = async (content: string | Uint8Array) => collect(readJsonl(await files.write('data.jsonl', content), { bytes: 0 }));

describe('readJsonl', () => {
  it('reads objects with their line numbers, skipping blank lines, a BOM and CRLF endings', async () => {
    const records = await read('\uFEFF{"a":1}\r\n\r\n  \n{"b":"x"}\r\n');
    expect(records).toEqual([
      { row: 1, line: 1, fields: { a: 1 } },
      { row: 2, line: 4, fields: { b: 'x' } },
    ]);
  });

  it('reports each bad line and keeps reading', async () => {
    const records = await read('{"a":1}\nnot json\n[1,2]\n"text"\n{"b":2}\n');
    expect(records.map((r) => ('problem' in r ? [r.line, r.problem.code] : [r.line, 'ok']))).toEqual([
      [1, 'ok'],
      [2, 'invalid-json'],
      [3, 'not-an-object'],
      [4, 'not-an-object'],
      [5, 'ok'],
    ]);
    expect(records[2]).toMatchObject({ problem: { message: 'each row must be a JSON object {...}, found a list' } });
  });

  it('says the file was cut short when the last line has no newline and is incomplete', async () => {
    const records = await read('{"a":1}\n{"a":');
    expect(records[1]).toMatchObject({ row: 2, line: 2, problem: { code: 'cut-short', message: expect.stringContaining('cut short') } });
    // The same bytes followed by a newline are plain bad JSON: the file is complete, the row is not.
    expect((await read('{"a":1}\n{"a":\n'))[1]).toMatchObject({ problem: { code: 'invalid-json' } });
  });

  it('reads a last line without a newline when it is complete', async () => {
    expect(await read('{"a":1}\n{"a":2}')).toEqual([
      { row: 1, line: 1, fields: { a: 1 } },
      { row: 2, line: 2, fields: { a: 2 } },
    ]);
  });

  it('names the line and byte of invalid UTF-8 instead of decoding it to U+FFFD', async () => {
    const latin1 = Buffer.concat([Buffer.from('{"a":"ok"}\n{"a":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n{"a":"ok"}\n')]);
    const records = await read(latin1);
    expect(records[1]).toEqual({ row: 2, line: 2, problem: { code: 'invalid-utf8', field: null, message: 'not valid UTF-8: byte 0xE9 at byte 10 of the line (save the file as UTF-8)' } });
    expect(records[2]).toMatchObject({ line: 3, fields: { a: 'ok' } });
  });

  it('reads a 200,000-character row whole', async () => {
    const long = 'word '.repeat(40_000);
    const records = await read(`${JSON.stringify({ text: long })}\n`);
    expect(records).toEqual([{ row: 1, line: 1, fields: { text: long } }]);
  });
});
