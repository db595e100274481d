// Small helpers shared by the set-up, start and test scripts. Plain Node, no dependencies:
// these scripts run before `npm install` has.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const isWindows = process.platform === 'win32';

/** Runs a command with inherited output; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', shell: isWindows, ...options });
    let timer;
    if (options.timeoutMs) {
      timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    }
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Runs a command quietly; resolves with its exit code and what it printed. */
export function capture(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: isWindows, ...options });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGTERM'), options.timeoutMs) : undefined;
    child.on('error', (error) => resolve({ code: 127, output: String(error) }));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

/** The most telling line of a failed command's output (an error line if there is one). */
export function firstErrorLine(output) {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => /error/i.test(line) && !line.startsWith('at ')) ?? lines[0] ?? '';
}

/** Runs a command and exits this process with its code when it fails. */
export async function must(command, args, options = {}) {
  const code = await run(command, args, options);
  if (code !== 0) {
    console.error(`\n✗ ${command} ${args.join(' ')} failed (exit ${code}).`);
    process.exit(code);
  }
}

export function npmCommand() {
  return isWindows ? 'npm.cmd' : 'npm';
}

export function notice(message) {
  console.log(`• ${message}`);
}

/** True on Linux x64 machines that have an NVIDIA driver loaded. */
export function hasNvidiaGpu() {
  return process.platform === 'linux' && process.arch === 'x64' && existsSync('/proc/driver/nvidia/version');
}
