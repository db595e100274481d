import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProblems, loadTrainingRows, type PromptTokenizer } from '../../../src/main/data/training-rows';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-rows-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** One token per character (code point + 10), enough to check boundaries and masks. */
const charTokenizer: PromptTokenizer = {
  encode: (text) => Array.from(text, (ch) => ch.codePointAt(0)! + 10),
  bosTokenId: 1,
  eosTokenId: 2,
  vocabSize: 200,
};

describe('loadTrainingRows', () => {
  it('reads pre-tokenized rows, defaulting labels to the input ids', async () => {
    const path = await file('pre.jsonl', '\uFEFF{"input_ids":[5,6,7],"labels":[-100,6,7]}\n\n{"input_ids":[8,9]}\n');
    const rows = await loadTrainingRows(path, null);
    expect(rows.problems).toEqual([]);
    expect(rows.lines).toEqual([1, 3]);
    expect(Array.from(rows.examples[0]!.labels)).toEqual([-100, 6, 7]);
    expect(Array.from(rows.examples[1]!.labels)).toEqual([8, 9]);
  });

  it('masks the prompt and learns the completion and end token', async () => {
    const path = await file('pc.jsonl', '{"prompt":"ab","completion":"c"}\n');
    const rows = await loadTrainingRows(path, charTokenizer);
    expect(Array.from(rows.examples[0]!.inputIds)).toEqual([1, 107, 108, 109, 2]);
    expect(Array.from(rows.examples[0]!.labels)).toEqual([-100, -100, -100, 109, 2]);
  });

  it('reports every bad row with its line and reason, keeping the good ones', async () => {
    const path = await file(
      'bad.jsonl',
      [
        '{"input_ids":[1,2],"labels":[1]}',
        'not json',
        '[1,2]',
        '{"prompt":"x","completion":"  "}',
        '{"text":"hello"}',
        '{"input_ids":[1,500]}',
        '{"prompt":"ok","completion":"fine"}',
        '{"input_ids":[1,2,3',
      ].join('\n'),
    );
    const rows = await loadTrainingRows(path, charTokenizer);
    expect(rows.examples).toHaveLength(1);
    expect(rows.lines).toEqual([7]);
    expect(rows.problems.map((p) => p.line)).toEqual([1, 2, 3, 4, 5, 6, 8]);
    expect(rows.problems[0]!.message).toContain('"input_ids" has 2 tokens but "labels" has 1');
    expect(rows.problems[1]!.message).toContain('not valid JSON');
    expect(rows.problems[2]!.message).toContain('JSON object');
    expect(rows.problems[3]!.message).toContain('nothing to learn');
    expect(rows.problems[4]!.message).toContain('keys: text');
    expect(rows.problems[5]!.message).toContain('token id 500 is outside');
    const text = describeProblems(path, rows.problems, 2);
    expect(text).toContain(`${path}:1:`);
    expect(text).toContain('… and 5 more');
  });

  it('asks for a tokenizer for text rows when none is given', async () => {
    const path = await file('pc2.jsonl', '{"prompt":"a","completion":"b"}\n');
    const rows = await loadTrainingRows(path, null);
    expect(rows.problems[0]!.message).toContain("need the model's tokenizer");
  });
});
