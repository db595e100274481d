/** Starts the built web shell (`node out/main/web.js`) the way `npm start` does, and reads its URL. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningShell {
  url: string;
  origin: string;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

export async function startBuiltWebShell(): Promise<RunningShell> {
  const entry = join(ROOT, 'out', 'main', 'web.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` before the end-to-end tests.`);
  // A library and a settings.json of its own (settings live in XDG_DATA_HOME): tests must not touch the user's.
  const env = {
    ...process.env,
    HYPERADAPT_DATA_DIR: mkdtempSync(join(tmpdir(), 'hyperadapt-e2e-library-')),
    XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'hyperadapt-e2e-settings-')),
  };
  const child: ChildProcess = spawn(process.execPath, [entry, '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web shell printed no URL within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /web shell: (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`web shell exited with ${code}:\n${output}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
