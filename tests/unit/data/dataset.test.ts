import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDataset, loadDataset, type DatasetCheckOptions } from '../../../src/main/data/dataset';
import { dataTokenizer, type DataTokenizer } from '../../../src/main/data/data-tokenizer';
import { DatasetFileError, DatasetRowsError } from '../../../src/main/data/errors';
import type { RowIssue } from '../../../src/main/data/issues';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import { generateTinyModel } from '../../../src/main/engine/models/tiny-model';
import { splitRows } from '../../../src/main/engine/train/validation-split';
import { charTokenizer } from './helpers/char-tokenizer';
import { writeParquet } from './helpers/parquet-writer';
import { FIXTURES, useTempDir } from './helpers/temp-files';

const files = useTempDir('dataset');
let tiny: DataTokenizer;
beforeAll(async () => {
  await generateTinyModel({ out: files.path('model'), arch: 'llama', hidden: 16, layers: 1, seed: 1 });
  tiny = dataTokenizer(await loadHfModel(files.path('model')));
});

const options = (extra: Partial<DatasetCheckOptions> = {}): DatasetCheckOptions => ({ tokenizer: tiny, maxLength: 512, valSplit: 0, seed: 1, batchSize: 2, gradAccum: 1, ...extra });
const fixture = (name: string) => join(FIXTURES, name);
const brief = (issue: RowIssue) => [issue.line ?? `row ${issue.row}`, issue.severity, issue.code, issue.field];

describe('checkDataset on a fixture per format', () => {
  it.each([
    ['chat.jsonl', 'jsonl', 'chat', 3],
    ['sharegpt.json', 'json', 'sharegpt', 2],
    ['alpaca.json', 'json', 'alpaca', 2],
    ['prompt-completion.jsonl', 'jsonl', 'prompt-completion', 2],
    ['classification.csv', 'csv', 'classification', 3],
    ['text.txt', 'txt', 'text', 2],
    ['pretokenized.jsonl', 'jsonl', 'pretokenized', 2],
  ])('%s: %s read as %s, every row usable', async (name, fileType, format, rows) => {
    const report = await checkDataset(fixture(name), options());
    expect(report.train).toMatchObject({ fileType, detection: { format, confidence: 1, given: false }, rows: { total: rows, valid: rows, invalid: 0, usable: rows }, errors: 0 });
    expect(report.train.issues).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.train.tokens!.supervisedTokens).toBeGreaterThan(0);
  });

  it('reads Parquet, with a missing value named by its row', async () => {
    const path = files.path('pc.parquet');
    await writeParquet(path, [
      { name: 'prompt', type: 'string', values: ['a', 'b', 'c'] },
      { name: 'completion', type: 'string', values: [' x', null, ' z'], optional: true },
    ]);
    const report = await checkDataset(path, options());
    expect(report.train).toMatchObject({ fileType: 'parquet', detection: { format: 'prompt-completion' }, rows: { total: 3, valid: 2, invalid: 1 } });
    expect(report.train.issues.map(brief)).toEqual([['row 2', 'error', 'missing-field', 'completion']]);
  });
});

describe('checkDataset on nasty files', () => {
  it('mixed formats: the majority wins and the odd row is named', async () => {
    const report = await checkDataset(fixture('mixed.jsonl'), options());
    expect(report.train.detection).toMatchObject({ format: 'chat', confidence: 0.75 });
    expect(report.train.issues).toEqual([
      {
        row: 4,
        line: 4,
        severity: 'error',
        code: 'wrong-format',
        field: null,
        message: 'this row is prompt/completion ("prompt", "completion"), but the file is chat messages (75% of the first rows); a dataset holds one format [as chat: messages: missing; expected a list of {"role", "content"}]',
      },
    ]);
    expect(report.ok).toBe(false);
  });

  it('a truncated last line, an empty completion, a conversation ending with a user turn', async () => {
    expect((await checkDataset(fixture('truncated.jsonl'), options())).train.issues.map(brief)).toEqual([[2, 'error', 'cut-short', null]]);
    const empty = await checkDataset(fixture('empty-completion.jsonl'), options());
    expect(empty.train.issues).toMatchObject([{ line: 1, code: 'empty', field: 'completion', message: 'empty; expected the answer the model should learn' }]);
    expect(empty.train.rows).toEqual({ total: 2, valid: 1, invalid: 1, usable: 1 });
    const endsWithUser = await checkDataset(fixture('ends-with-user.jsonl'), options());
    expect(endsWithUser.train.issues.map(brief)).toEqual([[1, 'warning', 'trailing-turn', 'messages[2]']]);
    expect(endsWithUser.ok).toBe(true);
  });

  it('a file that starts with hundreds of bad lines: the format comes from the readable rows after them', async () => {
    const lines = [...Array.from({ length: 300 }, () => 'not json'), ...Array.from({ length: 3 }, (_, i) => JSON.stringify({ text: `doc ${i}` }))];
    const report = await checkDataset(await files.write('bad-start.jsonl', lines.join('\n')), options());
    expect(report.train).toMatchObject({ detection: { format: 'text', sampled: 3 }, rows: { total: 303, invalid: 300, usable: 3 }, issueCounts: { 'invalid-json': 300 } });
    expect(report.train.issues[0]).toMatchObject({ line: 1, code: 'invalid-json' });
  });

  it('invalid UTF-8: the row and the byte', async () => {
    const path = await files.write('latin1.jsonl', Buffer.concat([Buffer.from('{"text":"fine"}\n{"text":"na'), Buffer.from([0xef, 0x76]), Buffer.from('e"}\n')]));
    const report = await checkDataset(path, options());
    expect(report.train.issues).toMatchObject([{ line: 2, code: 'invalid-utf8', message: 'not valid UTF-8: byte 0xEF at byte 12 of the line (save the file as UTF-8)' }]);
  });

  it('a 200,000-character row: truncated, or left out when its answer lies past the max length', async () => {
    const long = 'many words here '.repeat(12_500);
    const path = await files.write('long.jsonl', [{ prompt: 'Q', completion: long }, { prompt: long, completion: 'A' }, { prompt: 'ok', completion: 'yes' }].map((row) => JSON.stringify(row)).join('\n'));
    const report = await checkDataset(path, options());
    expect(long.length).toBe(200_000);
    expect(report.train.issues.map(brief)).toEqual([
      [1, 'warning', 'truncated', null],
      [2, 'warning', 'no-supervised-tokens', null],
    ]);
    expect(report.train.issues[1]!.message).toMatch(/^nothing to learn within the max length 512: the answer starts at token \d+ of \d+; the row is left out$/);
    expect(report.train.rows.usable).toBe(2);
    expect(report.train.tokens).toMatchObject({ truncatedRows: 2, zeroSupervisedRows: 1 });
    expect(report.train.tokens!.max).toBeGreaterThan(50_000);
  });
});

describe('checkDataset statistics', () => {
  // Rows "<user>q<e><assistant>a<e>": q and a given, so lengths are known: 6 + |q| + 1 + 11 + |a| + 1.
  const rows = (pairs: [string, string][]) => pairs.map(([prompt, completion]) => JSON.stringify({ prompt, completion })).join('\n');

  it('token percentiles, truncation, nothing-to-learn, duplicates, overlap and steps per epoch', async () => {
    const pairs: [string, string][] = Array.from({ length: 20 }, (_, i) => [`q${i}`, 'a'.repeat(i + 1)]);
    pairs.push(['q0', 'a'], ['q0', 'a'], ['x'.repeat(40), 'late']); // two duplicates of row 1; an answer past the max length
    const path = await files.write('stats.jsonl', rows(pairs));
    const report = await checkDataset(path, options({ tokenizer: charTokenizer(), maxLength: 40, valSplit: 0.25, seed: 3, batchSize: 2, gradAccum: 2 }));
    const lengths = pairs.map(([q, a]) => 19 + q.length + a.length).sort((x, y) => x - y);
    expect(report.train.tokens).toMatchObject({ maxLength: 40, p50: lengths[11], p90: lengths[20], p99: lengths[22], max: 63, truncatedRows: 3, zeroSupervisedRows: 1 });
    expect(report.train.duplicates).toBe(2);
    expect(report.train.issues.filter((issue) => issue.code === 'duplicate').map((issue) => [issue.line, issue.message])).toEqual([
      [21, 'the same content as line 1'],
      [22, 'the same content as line 1'],
    ]);
    // 22 usable rows; the split is the trainer's, so overlap is exactly the held-out copies of a training row.
    const split = splitRows(22, 0.25, 3);
    const group = (i: number) => (i === 20 || i === 21 ? 0 : i);
    const overlap = split.validation.filter((v) => split.train.some((t) => group(t) === group(v))).length;
    expect(report.split).toEqual({ source: 'split', fraction: 0.25, seed: 3, trainRows: split.train.length, validationRows: split.validation.length, overlapRows: overlap });
    expect(report.train.issueCounts.overlap ?? 0).toBe(overlap);
    // Learned tokens per training row: its answer and "<e>", cut at 40 tokens.
    const learned = (i: number) => Math.max(0, Math.min(40, 19 + pairs[i]!.join('').length) - (18 + pairs[i]![0].length));
    const usableIndex = [...pairs.keys()].filter((i) => i !== 22);
    expect(report.estimate).toEqual({ batchSize: 2, gradAccum: 2, stepsPerEpoch: Math.ceil(split.train.length / 4), supervisedTokensPerEpoch: split.train.reduce((sum, t) => sum + learned(usableIndex[t]!), 0) });
  });

  it('a validation file: its rows, and those equal to a training row', async () => {
    const train = await files.write('train.jsonl', rows([['a', 'b'], ['c', 'd'], ['e', 'f']]));
    const validation = await files.write('val.jsonl', rows([['c', 'd'], ['g', 'h']]));
    const report = await checkDataset(train, options({ tokenizer: charTokenizer(), validationFile: validation }));
    expect(report.split).toEqual({ source: 'file', fraction: null, seed: null, trainRows: 3, validationRows: 2, overlapRows: 1 });
    expect(report.validation!.issues).toMatchObject([{ line: 1, code: 'overlap', message: 'the same content as training line 2: the validation loss on this row measures memory, not generalisation' }]);
  });

  it('without a model: structure only, no token statistics', async () => {
    const report = await checkDataset(fixture('chat.jsonl'), options({ tokenizer: null }));
    expect(report).toMatchObject({ ok: true, template: null, train: { tokens: null, rows: { usable: 3 } }, estimate: { supervisedTokensPerEpoch: null } });
  });
});

describe('checkDataset options and refusals', () => {
  it('maps columns, and refuses a mapped column no row has', async () => {
    const path = await files.write('qa.csv', 'question,answer\nWhy?,Because.\n');
    const report = await checkDataset(path, options({ columns: { prompt: 'question', completion: 'answer' } }));
    expect(report.train.detection.format).toBe('prompt-completion');
    expect(report.ok).toBe(true);
    await expect(checkDataset(path, options({ columns: { prompt: 'query' } }))).rejects.toThrow('column "query" (given for "prompt") is in none of the first rows (the rows have: "question", "answer")');
  });

  it('reads every row as a given format', async () => {
    const report = await checkDataset(fixture('classification.csv'), options({ format: 'text' }));
    expect(report.train.detection).toMatchObject({ format: 'text', given: true });
    expect(report.train.rows.usable).toBe(3);
  });

  it('refuses a file in no known format, listing its fields and the formats it could be', async () => {
    const path = await files.write('qa.jsonl', '{"question":"q","answer":"a"}\n');
    const error = await checkDataset(path, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetFileError);
    expect((error as Error).message).toContain('no row among the first 1 is in a known format: 1 of 1 sampled row matches no format; their fields: "question", "answer"');
    expect((error as Error).message).toContain('--columns');
    await expect(checkDataset(await files.write('empty.jsonl', '\n\n'), options())).rejects.toThrow('the file holds no rows');
  });
});

describe('loadDataset', () => {
  it('returns the split examples, in the trainer\'s split', async () => {
    const path = await files.write('ten.jsonl', Array.from({ length: 10 }, (_, i) => JSON.stringify({ prompt: `p${i}`, completion: `c${i}` })).join('\n'));
    const loaded = await loadDataset(path, options({ tokenizer: charTokenizer(), valSplit: 0.3, seed: 9 }));
    const split = splitRows(10, 0.3, 9);
    const promptOf = (ids: Int32Array) => String.fromCharCode(ids[6]! - 10, ids[7]! - 10);
    expect(loaded.validation.map((example) => promptOf(example.inputIds))).toEqual(split.validation.map((i) => `p${i}`));
    expect(loaded.train.map((example) => promptOf(example.inputIds))).toEqual(split.train.map((i) => `p${i}`));
  });

  it('refuses rows with errors, each named with its line', async () => {
    const error = await loadDataset(fixture('mixed.jsonl'), options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetRowsError);
    expect((error as DatasetRowsError).message).toBe(
      `1 row(s) of ${fixture('mixed.jsonl')} cannot be used:\n  ${fixture('mixed.jsonl')}:4: this row is prompt/completion ("prompt", "completion"), but the file is chat messages (75% of the first rows); a dataset holds one format [as chat: messages: missing; expected a list of {"role", "content"}]`,
    );
  });

  it('refuses a dataset with nothing to learn within the max length', async () => {
    await expect(loadDataset(fixture('prompt-completion.jsonl'), options({ maxLength: 3 }))).rejects.toThrow('no row has a token to learn within the first 3 tokens');
  });
});
