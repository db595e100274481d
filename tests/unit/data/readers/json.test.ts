import { describe, expect, it } from 'vitest';
import { DatasetFileError } from '../../../../src/main/data/errors';
import { JsonElementScanner } from '../../../../src/main/data/readers/json-elements';
import { readJson } from '../../../../src/main/data/readers/json';
import { collect, useTempDir } from '../helpers/temp-files';

const files = useTempDir('json');
const read = async (content: string | Uint8Array) => collect(readJson(await files.write('data.json', content), { bytes: 0 }));

describe('readJson', () => {
  it('reads a top-level list, each row at the line it starts on', async () => {
    const records = await read('[\n {"a": 1},\n {"a": [1, {"x": "]},"}],\n  "b": "\\"}"}\n]\n');
    expect(records).toEqual([
      { row: 1, line: 2, fields: { a: 1 } },
      { row: 2, line: 3, fields: { a: [1, { x: ']},' }], b: '"}' } },
    ]);
  });

  it('reads the "data" list of a top-level object and skips the rest', async () => {
    const records = await read('\uFEFF{"version": 2, "meta": {"data": [9]}, "data": [{"a": 1}, {"a": 2}], "count": 2}');
    expect(records.map((r) => 'fields' in r && r.fields)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('reports a bad element and reads on', async () => {
    const records = await read('[{"a": 1}, {"a": tru}, "text", , {"a": 4}]');
    expect(records.map((r) => ('problem' in r ? r.problem.code : 'ok'))).toEqual(['ok', 'invalid-json', 'not-an-object', 'invalid-json', 'ok']);
    expect(records[3]).toMatchObject({ row: 4, problem: { message: expect.stringContaining('two commas') } });
  });

  it('says a file cut short inside a row or before "]" was cut short', async () => {
    const inside = await read('[{"a": 1},\n {"a": 2}, {"a": "thr');
    expect(inside.at(-1)).toMatchObject({ row: 3, line: 2, problem: { code: 'cut-short' } });
    expect(inside).toHaveLength(3);
    const unclosed = await read('[{"a": 1}, {"a": 2}');
    expect(unclosed.map((r) => ('problem' in r ? r.problem.code : 'ok'))).toEqual(['ok', 'ok', 'cut-short']);
    expect(unclosed[2]).toMatchObject({ problem: { message: expect.stringContaining('rows after row 2 may be missing') } });
  });

  it('refuses documents that are not a list of rows, saying what they are', async () => {
    await expect(read('{"rows": [{"a": 1}]}')).rejects.toThrow(DatasetFileError);
    await expect(read('{"rows": [{"a": 1}]}')).rejects.toThrow('must hold its rows in a "data" list; its top-level keys are "rows"');
    await expect(read('"just text"')).rejects.toThrow('expected a JSON list of rows');
    await expect(read('[{"a": 1}]\n[{"a": 2}]')).rejects.toThrow('unexpected text after the end of the JSON document on line 2');
    await expect(read('  \n')).rejects.toThrow('holds no JSON');
  });

  it('finds the same rows whatever the chunk boundaries', () => {
    const text = Buffer.from('{"x": "é", "data": [{"t": "a,b"}, {"t": "ü]"}, [1, 2]]}');
    const whole = new JsonElementScanner(1 << 20);
    const expected = [...whole.push(text), ...whole.end()];
    for (let size = 1; size <= 7; size++) {
      const scanner = new JsonElementScanner(1 << 20);
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...scanner.push(text.subarray(i, i + size)));
      got.push(...scanner.end());
      expect(got).toEqual(expected);
    }
    expect(expected.map((e) => 'bytes' in e && e.bytes.toString())).toEqual(['{"t": "a,b"}', '{"t": "ü]"}', '[1, 2]']);
  });

  it('reports an element past the size limit without keeping it', () => {
    const scanner = new JsonElementScanner(10);
    const elements = [...scanner.push(Buffer.from('[{"a": "0123456789"}, {"b": 1}]')), ...scanner.end()];
    expect(elements).toEqual([
      { index: 1, line: 1, tooLong: true },
      { index: 2, line: 1, bytes: Buffer.from('{"b": 1}'), complete: true },
    ]);
  });
});
