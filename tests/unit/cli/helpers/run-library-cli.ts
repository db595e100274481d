/** Runs the library's CLI commands in a child process, whole or streamed line by line. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CliResult } from '../run-cli';

const ENTRY = join(import.meta.dirname, 'library-cli.ts');
const TSX = createRequire(import.meta.url).resolve('tsx/cjs');

export function spawnLibraryCli(args: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--require', TSX, ENTRY, ...args], { env: { ...process.env, ...env } });
}

/** Calls `onLine` with each stdout line as it arrives; resolves with everything once the process ends. */
export function runLibraryCli(args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string, child: ChildProcessWithoutNullStreams) => void): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  const child = spawnLibraryCli(args, env);
  let stdout = '';
  let stderr = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout += line + '\n';
    onLine?.(line, child);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, stdout, stderr })));
}
