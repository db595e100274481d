/** `hyperadapt info`: what this machine offers for training (the app's System screen). */
import type { Command } from 'commander';
import { getSystemInfo } from '../../system/system-info';
import { createOutput } from '../output';

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show versions, execution providers, CPU, memory and GPUs')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const out = createOutput(Boolean(options.json));
      const info = await getSystemInfo();
      out.result(info, () =>
        [
          `${info.app.name} ${info.app.version} (Node ${info.runtime.node}, onnxruntime ${info.runtime.onnxruntime})`,
          `Execution providers: ${info.executionProviders.available.join(', ')}`,
          ...info.executionProviders.notes.map((note) => `  ${note}`),
          `CPU: ${info.cpu.model}, ${info.cpu.cores} cores`,
          `Memory: ${gib(info.memory.freeBytes)} free of ${gib(info.memory.totalBytes)}`,
          `GPUs: ${info.gpus.length === 0 ? 'none detected' : info.gpus.map((gpu) => gpu.name).join(', ')}`,
          `Data folder: ${info.dataDirectory}`,
        ].join('\n'),
      );
    });
}
