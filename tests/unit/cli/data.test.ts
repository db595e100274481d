import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerData } from '../../../src/main/cli/commands/data';
import type { DatasetReport } from '../../../src/main/data/report';
import { generateTinyModel } from '../../../src/main/engine/models/tiny-model';
import { runCli } from './run-cli';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'data');
let dir: string;
let model: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-data-cli-'));
  model = join(dir, 'model');
  await generateTinyModel({ out: model, arch: 'llama', hidden: 16, layers: 1, seed: 2 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** `hyperadapt data …` in this process (the lead registers the command in main.ts): stdout and the exit code. */
async function data(args: string[]): Promise<{ stdout: string; code: number }> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  registerData(program);
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  await program.parseAsync(['data', ...args], { from: 'user' });
  vi.restoreAllMocks();
  return { stdout, code: Number(process.exitCode ?? 0) };
}

describe('hyperadapt data check', () => {
  it('prints the report, and fails when a row has an error', async () => {
    const { stdout, code } = await data(['check', join(FIXTURES, 'mixed.jsonl'), '--model', model]);
    expect(code).toBe(1);
    expect(stdout).toContain('Format: chat messages (detected; 75% of 4 sampled rows match)');
    expect(stdout).toContain('Rows: 4 read, 3 valid, 1 with errors, 3 usable for training');
    expect(stdout).toContain(`${join(FIXTURES, 'mixed.jsonl')}:4: this row is prompt/completion`);
    expect(stdout).toMatch(/Tokens per row \(max length 512\): p50 \d+, p90 \d+, p99 \d+, max \d+; 0 rows truncated, 0 rows with nothing to learn/);
    expect(stdout).toContain("Conversations rendered with the model's chat template");
    expect(stdout).toContain('Not ready: fix the errors above');
  });

  it('is not ready when the max length leaves no row anything to learn, and says what to raise', async () => {
    const file = join(dir, 'long-prompts.jsonl');
    await writeFile(file, JSON.stringify({ prompt: 'a rather long question that fills the window', completion: ' yes' }) + '\n');
    const { stdout, code } = await data(['check', file, '--model', model, '--max-length', '8']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/Not ready: no row is left to train on: raise --max-length \(the longest row has \d+ tokens/);
  });

  it('with --drop-invalid-rows, passes and says how many rows with errors are left out', async () => {
    const { stdout, code } = await data(['check', join(FIXTURES, 'mixed.jsonl'), '--model', model, '--drop-invalid-rows', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DatasetReport;
    expect(report).toMatchObject({ ok: true, invalidRowsLeftOut: 1, train: { rows: { valid: 3, invalid: 1, usable: 3 } } });
    expect(report.train.issues.map((issue) => issue.line)).toEqual([4]);
  });

  it('prints one JSON report with --json, and passes a clean file', async () => {
    const { stdout, code } = await data(['check', join(FIXTURES, 'classification.csv'), '--model', model, '--max-length', '64', '--val-split', '0.34', '--seed', '5', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DatasetReport;
    expect(report).toMatchObject({ ok: true, template: 'model', train: { fileType: 'csv', detection: { format: 'classification' }, tokens: { maxLength: 64 } }, split: { trainRows: 2, validationRows: 1, seed: 5 } });
  });

  it('reads a file as a given format with mapped columns, and refuses a mapping of an unknown field', async () => {
    const path = join(dir, 'qa.tsv');
    await writeFile(path, 'question\tanswer\nWhy?\tBecause.\n');
    const { stdout } = await data(['check', path, '--format', 'prompt-completion', '--columns', 'prompt=question,completion=answer', '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, template: null, train: { detection: { format: 'prompt-completion', given: true } } });
    await expect(data(['check', path, '--columns', 'query=question'])).rejects.toThrow('"query" is not a field we read');
    await expect(data(['check', path, '--format', 'csv'])).rejects.toThrow('expected one of chat, sharegpt, alpaca, prompt-completion, classification, text, pretokenized');
  });
});

describe('hyperadapt eval', () => {
  it('reads any format, with a column mapping', async () => {
    const path = join(dir, 'qa.csv');
    await writeFile(path, 'question,answer\n"What is 1 + 1?",2\n"What is 2 + 2?",4\n');
    const { code, stdout, stderr } = await runCli(['eval', '--model', model, '--data', path, '--columns', 'prompt=question,completion=answer', '--max-length', '64', '--json']);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ rows: 2, tokens: expect.any(Number), adapter: null });
  });

  it('refuses a file with a bad row, or evaluates its valid rows with --drop-invalid-rows', async () => {
    const file = join(FIXTURES, 'mixed.jsonl');
    const refused = await runCli(['eval', '--model', model, '--data', file, '--json']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('mixed.jsonl:4');
    const { code, stdout, stderr } = await runCli(['eval', '--model', model, '--data', file, '--drop-invalid-rows', '--json']);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ rows: 3 });
  });
});
