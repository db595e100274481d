import { describe, expect, it } from 'vitest';
import type { AddModelResult, AdapterRecord, RunDetail, RunRecord, SpeedEstimate } from '../../../src/main/api/contract';
import type { DataDirectoryState } from '../../../src/main/settings/data-directory-setting';
import { scratch, tinyDataFile, tinyModelFolder } from '../store/helpers/fixtures';
import { runLibraryCli } from './helpers/run-library-cli';

describe('hyperadapt models|datasets|runs|adapters|settings', () => {
  it('adds, trains, lists, shows, checks and deletes through the library, with --json output', async () => {
    const env = { HYPERADAPT_DATA_DIR: await scratch('cli-library'), XDG_DATA_HOME: await scratch('xdg') };
    const cli = async <T>(...args: string[]): Promise<T> => {
      const { code, stdout, stderr } = await runLibraryCli([...args, '--json'], env);
      expect(code, stderr).toBe(0);
      return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
    };

    const added = await cli<AddModelResult>('models', 'add', await tinyModelFolder({ seed: 21 }), '--name', 'tiny llama');
    expect(added).toMatchObject({ added: true, model: { id: 1, name: 'tiny llama', architecture: 'LlamaForCausalLM' } });

    // An estimate times real steps and records no run.
    const estimate = await cli<SpeedEstimate>('runs', 'estimate', '--model', '1', '--data', await tinyDataFile(20), '--steps', '4', '--max-length', '16', '--threads', '1');
    expect(estimate).toMatchObject({ modelId: 1, datasetId: 1, totalSteps: 4, measuredSteps: 3, device: 'cpu' });
    expect(estimate.secondsPerStep).toBeGreaterThan(0);
    expect(await cli('runs', 'list')).toEqual([]);
    const said = await runLibraryCli(['runs', 'estimate', '--model', '1', '--data', '1', '--steps', '4', '--max-length', '16', '--threads', '1'], env);
    expect(said.stdout).toMatch(/^(Under a second|About .+): 4 steps at .+ a step on the CPU/m);

    // A data file given by path is added on the way (here the one the estimate added); the model by its id.
    const started = await cli<{ done: boolean; run: RunRecord }>('runs', 'start', '--model', '1', '--data', await tinyDataFile(20), '--steps', '4', '--max-length', '16', '--threads', '1', '--name', 'short');
    expect(started).toMatchObject({ done: true, run: { id: 1, name: 'short', status: 'completed', step: 4, datasetId: 1 } });

    const detail = await cli<RunDetail>('runs', 'show', '1');
    expect(detail).toMatchObject({ run: { id: 1 }, model: { name: 'tiny llama' }, dataset: { name: 'rows.jsonl' }, adapter: { id: 1 } });
    expect(detail.checkpoints.at(-1)).toMatchObject({ step: 4, status: 'written' });
    const adapters = await cli<AdapterRecord[]>('adapters', 'list', '--model', '1');
    expect(adapters.map((a) => a.runId)).toEqual([1]);
    expect(await cli('adapters', 'check', '1', '--model', '1')).toEqual({ fits: true });
    expect(await cli('runs', 'delete', '1')).toEqual({ id: 1 });
    expect(await cli('runs', 'list')).toEqual([]);

    const human = await runLibraryCli(['models', 'list'], env);
    expect(human.stdout).toMatch(/^ID\s+NAME\s+ARCHITECTURE/);
    expect(human.stdout).toMatch(/1\s+tiny llama\s+LlamaForCausalLM/);

    const missing = await runLibraryCli(['runs', 'show', '9'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/There is no run with id 9 in the library/);
    const badId = await runLibraryCli(['runs', 'show', 'nine'], env);
    expect(badId.code).not.toBe(0);
    expect(badId.stderr).toMatch(/expected a positive integer, got "nine"/);

    const setting = await cli<DataDirectoryState>('settings', 'data-dir');
    expect(setting).toMatchObject({ path: env.HYPERADAPT_DATA_DIR, source: 'environment' });
  });
});
