import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTinyModel } from '../../../src/main/engine/models/tiny-model';
import { splitRows } from '../../../src/main/engine/train/validation-split';
import { runCli } from './run-cli';

let dir: string;
let model: string;
let data: string;
let rows: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-train-cli-'));
  model = join(dir, 'model');
  await generateTinyModel({ out: model, arch: 'llama', hidden: 32, layers: 2, seed: 3 });
  rows = Array.from({ length: 60 }, (_, i) => JSON.stringify({ prompt: `${i % 7} plus ${i % 5} is`, completion: ` ${(i % 7) + (i % 5)}` }));
  data = join(dir, 'data.jsonl');
  await writeFile(data, rows.join('\n') + '\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Line {
  step?: number;
  loss?: number;
  lr?: number;
  grad_norm?: number;
  tokens?: number;
  tokens_per_s?: number;
  val_loss?: number;
  done?: boolean;
  reason?: string;
}

describe('hyperadapt train and eval', () => {
  it('trains with one JSON line per step, and eval of the saved adapter reproduces the final validation loss', async () => {
    const out = join(dir, 'run');
    const seed = 5;
    const { code, stdout, stderr } = await runCli([
      'train', '--model', model, '--data', data, '--out', out, '--steps', '24', '--batch-size', '4', '--max-length', '32',
      '--lr', '0.1', '--schedule', 'constant', '--warmup', '0', '--val-split', '0.25', '--eval-every', '8', '--seed', String(seed), '--patience', '0', '--json',
    ]);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Line);
    const steps = lines.filter((line) => line.step !== undefined && line.loss !== undefined);
    expect(steps.map((line) => line.step)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    for (const line of steps) {
      expect(line).toMatchObject({ lr: 0.1, grad_norm: expect.any(Number), tokens: expect.any(Number), tokens_per_s: expect.any(Number) });
    }
    // Steadily down: the last third's mean well below the first third's.
    const mean = (xs: Line[]) => xs.reduce((sum, line) => sum + line.loss!, 0) / xs.length;
    expect(mean(steps.slice(16))).toBeLessThan(mean(steps.slice(0, 8)) - 0.15);
    const validations = lines.filter((line) => line.step !== undefined && line.val_loss !== undefined);
    expect(validations.map((line) => line.step)).toEqual([8, 16, 24]);
    expect(validations[2]!.val_loss!).toBeLessThan(validations[1]!.val_loss!);
    expect(validations[1]!.val_loss!).toBeLessThan(validations[0]!.val_loss!);
    expect(lines.at(-1)).toMatchObject({ done: true, reason: 'completed' });

    // The same validation rows, through eval with the saved adapter.
    const { validation } = splitRows(rows.length, 0.25, seed);
    const valFile = join(dir, 'validation.jsonl');
    await writeFile(valFile, validation.map((i) => rows[i]).join('\n') + '\n');
    const evaluated = await runCli(['eval', '--model', model, '--data', valFile, '--adapter', out, '--max-length', '32', '--batch-size', '4', '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout) as { loss: number; tokens: number };
    expect(result.loss).toBeCloseTo(validations.at(-1)!.val_loss!, 5);

    const base = JSON.parse((await runCli(['eval', '--model', model, '--data', valFile, '--max-length', '32', '--json'])).stdout) as { loss: number; tokens: number };
    expect(base.tokens).toBe(result.tokens);
    expect(result.loss).toBeLessThan(base.loss);
    const config = JSON.parse(await readFile(join(out, 'adapter_config.json'), 'utf8')) as { target_modules: string[] };
    expect(config.target_modules).toHaveLength(7);
  });

  it('trains on a CSV through --columns, validating on --validation-data', async () => {
    const csv = join(dir, 'sums.csv');
    await writeFile(csv, ['question,answer', ...Array.from({ length: 8 }, (_, i) => `"${i} plus 1 is",${i + 1}`)].join('\n'));
    const validation = join(dir, 'sums-val.csv');
    await writeFile(validation, ['question,answer', '"9 plus 1 is",10', '"8 plus 2 is",10'].join('\n'));
    const { code, stderr } = await runCli([
      'train', '--model', model, '--data', csv, '--columns', 'prompt=question,completion=answer', '--validation-data', validation,
      '--out', join(dir, 'csv-run'), '--steps', '2', '--max-length', '32', '--json',
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('(8 training rows, 2 validation rows)');
  });

  it('fails before training with every bad row named', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${rows[0]}\n{"prompt": "x"}\nnot json\n`);
    const { code, stderr } = await runCli(['train', '--model', model, '--data', bad, '--out', join(dir, 'bad-run'), '--steps', '2']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/2 row\(s\) of .*bad.jsonl cannot be used/);
    expect(stderr).toMatch(/bad.jsonl:2: completion: missing; expected a string \(the answer the model should learn\)/);
    expect(stderr).toMatch(/bad.jsonl:3: not valid JSON/);
  });
});
