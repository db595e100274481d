/**
 * `hyperadapt export` through commander, as main.ts will register it: a verified GGUF with --json,
 * a merged folder with the human summary, and flags that do not fit refused before any work.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerExport } from '../../../src/main/cli/commands/export';
import { DATA_DIR_ENV } from '../../../src/main/data-directory';
import { listAdapters } from '../../../src/main/store/adapters';
import { listExports } from '../../../src/main/store/exports';
import { RunManager } from '../../../src/main/store/run-manager';
import { QUICK, trainableLibrary } from '../store/helpers/library-run';
import { freshDir } from '../models/helpers/tiny';
import { adaptedTinyModel } from '../export/helpers/adapted-model';

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  registerExport(program);
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'hyperadapt', 'export', ...args]);
  } finally {
    write.mockRestore();
  }
  return lines.join('');
}

// A library folder that does not exist unless a test creates one: the user's is never touched.
beforeEach(async () => {
  vi.stubEnv(DATA_DIR_ENV, join(await freshDir(), 'no-library'));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('hyperadapt export', () => {
  it('writes a verified Q8_0 GGUF and prints the figures as JSON', async () => {
    const { adapterDir } = await adaptedTinyModel({ arch: 'llama', seed: 11 });
    const out = join(await freshDir(), 'gguf');
    const printed = JSON.parse(await run(['--adapter', adapterDir, '--format', 'gguf', '--dtype', 'q8_0', '--out', out, '--json'])) as Record<string, unknown>;
    expect(printed).toMatchObject({ format: 'gguf', dtype: 'q8_0', path: out, verified: true, runtime: 'llama.cpp (node-llama-cpp, CPU)' });
    expect(printed.top1_agreement).toBeGreaterThanOrEqual(0.8);
    expect((await readdir(out)).sort()).toEqual(['Modelfile', 'model.gguf']);
  });

  it('writes a merged folder and says how it was verified', async () => {
    const { adapterDir } = await adaptedTinyModel({ arch: 'qwen3', seed: 12 });
    const out = join(await freshDir(), 'merged');
    const printed = await run(['--adapter', adapterDir, '--format', 'safetensors', '--out', out]);
    expect(printed).toMatch(/^reference…\nwrite…\nverify…\npublish…\nExported safetensors \(F32\) to /);
    expect(printed).toMatch(/top-1 agreement 100\.0%/);
  });

  it('loads under the CommonJS CLI (bin/hyperadapt.cjs runs through tsx/cjs), where node-llama-cpp cannot be required', async () => {
    const command = join(import.meta.dirname, '..', '..', '..', 'src', 'main', 'cli', 'commands', 'export.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'tsx/cjs', '-e', `console.log(typeof require(${JSON.stringify(command)}).registerExport)`]);
    expect(stdout.trim()).toBe('function');
  });

  it('refuses --dtype outside GGUF, and an unknown format', async () => {
    const { adapterDir } = await adaptedTinyModel({ arch: 'llama', seed: 13 });
    const out = join(await freshDir(), 'x');
    await expect(run(['--adapter', adapterDir, '--format', 'onnx', '--dtype', 'f16', '--out', out])).rejects.toThrow(/GGUF only/);
    await expect(run(['--adapter', adapterDir, '--format', 'pt', '--out', out])).rejects.toThrow(/expected one of safetensors, gguf, onnx, adapter/);
  });

  it("records an export of a library adapter in the library's exports table", async () => {
    const { library, modelId, datasetId } = await trainableLibrary();
    const manager = new RunManager(library);
    const trained = await manager.finished(manager.start({ modelId, datasetId, name: 'quick', settings: QUICK }).id);
    const adapter = listAdapters(library, { runId: trained.id })[0]!;
    vi.stubEnv(DATA_DIR_ENV, library.dataDirectory);
    const out = join(await freshDir(), 'card');
    const printed = JSON.parse(await run(['--adapter', adapter.path, '--format', 'adapter', '--out', out, '--json'])) as { export_id: number };
    const [record] = listExports(library, { adapterId: adapter.id });
    expect(record).toMatchObject({ id: printed.export_id, modelId, format: 'adapter', path: out, verified: true });
    expect(JSON.parse(record!.verification!)).toMatchObject({ runtime: 'hyperadapt engine (loadAdapter + onnxruntime)', max_abs_diff: 0, top1_agreement: 1 });
  });
});
