import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callApi } from '../../../src/main/api/call';
import { dispatch } from '../../../src/main/api/dispatch';
import type { RowPreview } from '../../../src/main/api/contract';
import type { DatasetReport } from '../../../src/main/data/report';
import { trainOptionsFor } from '../../../src/main/store/run-options';
import { scratch, tinyModelFolder } from '../store/helpers/fixtures';
import { testContext } from './helpers/context';

const chatRow = (i: number) => JSON.stringify({ messages: [{ role: 'user', content: `Count to ${i}, please, slowly.` }, { role: 'assistant', content: Array.from({ length: i }, (_, k) => k + 1).join(' ') }] });
const report = (value: unknown) => value as DatasetReport;
const kinds = (preview: RowPreview) => preview.segments.map((segment) => (segment.cut ? 'cut' : segment.learned ? 'learned' : 'context'));

async function dataFile(name: string, lines: string[]): Promise<string> {
  const folder = await scratch('check-data');
  await mkdir(folder, { recursive: true });
  const path = join(folder, name);
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

describe('datasets.check with a library model', () => {
  it('measures with the model\'s tokenizer against the max length and previews rows in its chat template', async () => {
    const context = testContext();
    const { model } = await callApi(context, 'models.add', { path: await tinyModelFolder({ arch: 'qwen2', seed: 3 }), name: 'tiny' });
    const path = await dataFile('chat.jsonl', Array.from({ length: 12 }, (_, i) => chatRow(i + 1)));
    const check = await callApi(context, 'datasets.check', { path, modelId: model.id, maxLength: 40 });
    expect(check.model).toEqual({ id: model.id, name: 'tiny', contextLength: expect.any(Number) });
    expect(check.maxLength).toBe(40);
    const tokens = report(check.report).train.tokens!;
    expect(tokens.maxLength).toBe(40);
    expect(tokens.truncatedRows).toBeGreaterThan(0);
    expect(tokens.histogram.edges).toContain(40);
    expect(tokens.histogram.counts.reduce((a, b) => a + b, 0)).toBe(12);
    expect(check.preview).toHaveLength(3);
    expect(check.preview[0]).toMatchObject({ line: 1, kind: 'conversation', shownAs: 'model-template' });
    expect(kinds(check.preview[0]!)).toContain('learned');
    expect(kinds(check.preview[0]!)[0]).toBe('context');
    expect(check.preview[0]!.segments.filter((s) => s.learned).map((s) => s.text).join('')).toContain('1');

    const longer = await callApi(context, 'datasets.check', { path, modelId: model.id, maxLength: 512 });
    expect(report(longer.report).train.tokens).toMatchObject({ maxLength: 512, truncatedRows: 0 });
  });

  it('checks structure with the trainer\'s max length without a model, conversations previewed in the plain template', async () => {
    const context = testContext();
    const path = await dataFile('chat.jsonl', [chatRow(2)]);
    const check = await callApi(context, 'datasets.check', { path });
    expect(check).toMatchObject({ model: null, maxLength: 512, report: { train: { tokens: null } } });
    expect(check.preview[0]).toMatchObject({ shownAs: 'plain-template', tokens: null });
    expect(kinds(check.preview[0]!)).toEqual(['context', 'learned', 'context']);
  });

  it('names a model that is not in the library', async () => {
    const path = await dataFile('chat.jsonl', [chatRow(2)]);
    const result = await dispatch('datasets.check', { path, modelId: 99 }, testContext());
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no model with id 99/) } });
    const invalid = await dispatch('datasets.check', { path, maxLength: 0 }, testContext());
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'maxLength' }] } });
  });
});

describe('leaving out the rows with errors', () => {
  it('checks and adds a file with a bad row without it, keeping the choice for training and the file as it was', async () => {
    const context = testContext();
    const lines = [chatRow(1), chatRow(2), '{"messages": "unfinished', chatRow(3)];
    const path = await dataFile('with-bad-row.jsonl', lines);
    const strict = await callApi(context, 'datasets.check', { path });
    expect(report(strict.report)).toMatchObject({ ok: false, invalidRowsLeftOut: 0 });
    const readOptions = { dropInvalidRows: true };
    const lenient = await callApi(context, 'datasets.check', { path, readOptions });
    expect(lenient.rows).toBe(3);
    expect(report(lenient.report)).toMatchObject({ ok: true, invalidRowsLeftOut: 1, train: { rows: { usable: 3, invalid: 1 }, issues: [{ line: 3, severity: 'error' }] } });

    const { dataset } = await callApi(context, 'datasets.add', { path, readOptions });
    expect(dataset).toMatchObject({ rows: 3, readOptions, report: { ok: true, invalidRowsLeftOut: 1 } });
    expect(await readFile(path, 'utf8')).toBe(lines.join('\n') + '\n');
    expect(await readFile(dataset.path, 'utf8')).toBe(lines.join('\n') + '\n');
    // Training reads the dataset with its read options, this one included.
    const run = { settings: {}, path: '/runs/1' } as Parameters<typeof trainOptionsFor>[0];
    const model = { path: '/models/1' } as Parameters<typeof trainOptionsFor>[1];
    expect(trainOptionsFor(run, model, dataset, null)).toMatchObject({ data: dataset.path, dropInvalidRows: true });
  });
});
