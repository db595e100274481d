import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

describe('hyperadapt info', () => {
  it('prints the system info as one JSON object with --json', async () => {
    const { code, stdout } = await runCli(['info', '--json'], { HYPERADAPT_DATA_DIR: '/tmp/hyperadapt-cli-test' });
    expect(code).toBe(0);
    const info = JSON.parse(stdout) as { cpu: { cores: number }; executionProviders: { available: string[] }; dataDirectory: string };
    expect(info.cpu.cores).toBe(os.availableParallelism());
    expect(info.executionProviders.available).toContain('cpu');
    expect(info.dataDirectory).toBe('/tmp/hyperadapt-cli-test');
  });

  it('fails with a usage message for an unknown command', async () => {
    const { code, stderr } = await runCli(['bogus']);
    expect(code).toBe(1);
    expect(stderr).toContain("unknown command 'bogus'");
  });
});
