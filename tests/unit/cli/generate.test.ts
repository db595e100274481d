/**
 * `hyperadapt generate`, driven through commander in this process (main.ts registers it with
 * registerGenerate), its output captured: a tiny llama, base and with a saved adapter.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerGenerate } from '../../../src/main/cli/commands/generate';
import { baseModelRecord, saveAdapter } from '../../../src/main/engine/adapters/adapter-files';
import { adapterLayout } from '../../../src/main/engine/models/adapter-layout';
import { loadHfModel } from '../../../src/main/engine/models/hf-model';
import { computeModelIdentity } from '../../../src/main/engine/models/identity';
import { generateTinyModel } from '../../../src/main/engine/models/tiny-model';
import { Random } from '../../../src/main/engine/random';

let dir: string;
let model: string;
let adapter: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-generate-cli-'));
  model = join(dir, 'model');
  adapter = join(dir, 'adapter');
  await generateTinyModel({ out: model, arch: 'qwen2', hidden: 32, heads: 4, kvHeads: 2, seed: 8, initStd: 0.1 });
  const loaded = await loadHfModel(model);
  const layout = adapterLayout(loaded.spec);
  const random = new Random(2);
  const identity = await computeModelIdentity(loaded.dir, loaded.config, loaded.weights);
  await saveAdapter(adapter, layout, new Float32Array(layout.size).map(() => 1 + 0.5 * random.normal()), {
    method: 'hyperadapt',
    format_version: 1,
    target_modules: [...layout.targets],
    trainable_parameters: layout.size,
    base_model: baseModelRecord(identity, loaded.dir),
    training: {},
    metrics: {},
    created_at: new Date(0).toISOString(),
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `hyperadapt generate ...args`; returns what went to stdout and stderr. */
async function generate(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => stdout.push(String(chunk)) > 0);
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
  try {
    const program = new Command().exitOverride();
    registerGenerate(program);
    await program.parseAsync(['generate', '--model', model, '--device', 'cpu', ...args], { from: 'user' });
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
  }
  return { stdout: stdout.join(''), stderr: stderr.join('') };
}

const jsonLines = (text: string): Record<string, unknown>[] => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('hyperadapt generate', () => {
  it('streams one JSON line per token, then the output, and is reproducible with a seed', async () => {
    const args = ['--prompt', 'Once upon a time', '--max-new-tokens', '6', '--temperature', '0.9', '--seed', '3', '--json'];
    const lines = jsonLines((await generate(...args)).stdout);
    const end = lines.at(-1)!;
    expect(end).toMatchObject({ done: true, tokens: lines.length - 1, prompt_tokens: expect.any(Number) as number });
    expect(['eos', 'length']).toContain(end.reason);
    expect(lines.slice(0, -1).map((l) => l.text).join('')).toBe(end.text);
    const untimed = (all: Record<string, unknown>[]) => all.map(({ prefill_ms: _p, decode_tokens_per_s: _d, ...rest }) => rest);
    expect(untimed(jsonLines((await generate(...args)).stdout))).toEqual(untimed(lines));
  });

  it('--compare interleaves two panes, and --chat goes through the chat template', async () => {
    const lines = jsonLines((await generate('--adapter', adapter, '--compare', '--chat', '--system', 'Be brief.', '--prompt', 'Hello', '--max-new-tokens', '5', '--json')).stdout);
    expect(lines[0]!.pane).toBe('base');
    expect(lines[1]!.pane).toBe('adapted');
    const ends = lines.filter((l) => l.done === true);
    expect(ends.map((l) => l.pane).sort()).toEqual(['adapted', 'base']);
    expect(ends.find((l) => l.pane === 'base')!.prompt_tokens).toBeGreaterThan(10); // the template's turn markers and the system message
  });

  it('prints labelled lines per pane for people', async () => {
    const { stdout } = await generate('--adapter', adapter, '--compare', '--prompt', 'Hello', '--max-new-tokens', '4', '--temperature', '0');
    expect(stdout).toMatch(/^\[base\] /m);
    expect(stdout).toMatch(/^\[adapted\] \[\d+ tokens, /m);
  });

  it('--prompts runs a file through both and writes JSONL', async () => {
    const prompts = join(dir, 'prompts.jsonl');
    const out = join(dir, 'outputs.jsonl');
    await writeFile(prompts, [JSON.stringify({ prompt: 'A', completion: 'B' }), JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }] })].join('\n'));
    const lines = jsonLines((await generate('--adapter', adapter, '--prompts', prompts, '--out', out, '--max-new-tokens', '3', '--json')).stdout);
    expect(lines.at(-1)).toEqual({ done: true, prompts: 2, out });
    const written = jsonLines(await readFile(out, 'utf8'));
    expect(written.map((r) => r.line)).toEqual([1, 2]);
    expect(written[0]).toMatchObject({ prompt: { text: 'A' }, reference: 'B', base: { reason: expect.any(String) as string } });
  });

  it('says what is missing', async () => {
    await expect(generate('--compare', '--prompt', 'x')).rejects.toThrow(/give --adapter DIR/);
    await expect(generate()).rejects.toThrow(/give one of --prompt TEXT, --prompts FILE or --validation/);
    await expect(generate('--validation')).rejects.toThrow(/--validation runs the base model and an adapter: give --adapter DIR/);
    await expect(generate('--prompt', 'x', '--top-p', '1.5')).rejects.toThrow(/expected a number in \(0, 1\]/);
  });
});
