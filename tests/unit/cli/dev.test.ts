import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import { runCli } from './run-cli';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-dev-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hyperadapt dev tiny-model', () => {
  it('writes a model that loads, with the flags it was given', async () => {
    const out = join(dir, 'tiny');
    const { code, stdout } = await runCli(['dev', 'tiny-model', '--arch', 'qwen2', '--hidden', '32', '--layers', '3', '--tie', '--dtype', 'BF16', '--out', out, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ model: out, arch: 'Qwen2ForCausalLM' });
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ hidden_size: 32, num_hidden_layers: 3, tie_word_embeddings: true, torch_dtype: 'bfloat16' });
    const model = await loadHfModel(out);
    expect(model.spec.layers).toHaveLength(3);
  });

  it('names the flag and what it expects when a value is wrong', async () => {
    const { code, stderr } = await runCli(['dev', 'tiny-model', '--arch', 'gpt2', '--out', join(dir, 'x')]);
    expect(code).toBe(1);
    expect(stderr).toContain("option '--arch <arch>' argument 'gpt2' is invalid. expected one of llama, mistral, qwen2, qwen3");
  });
});
