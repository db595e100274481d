// `npm start`: install if needed, build, then open the desktop app, or, where there is no
// Electron binary or no display, serve the same UI as a web shell and print its URL.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { setup } from './setup.mjs';
import { ensureElectronSqlite } from './electron-native.mjs';
import { capture, firstErrorLine, must, notice } from './lib.mjs';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const forceWeb = args.includes('--web');

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** Electron's own installer; it exits at once when the binary is already there. Returns why it failed, or null. */
async function ensureElectronBinary() {
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return 'electron is not installed';
  const { code, output } = await capture(process.execPath, [installer], {
    cwd: join(root, 'node_modules', 'electron'),
    timeoutMs: 10 * 60_000,
  });
  return code === 0 ? null : firstErrorLine(output) || `installer exit code ${code}`;
}

/** Runs a long-lived child, forwarding Ctrl-C and exiting with its code. */
function launch(command, commandArgs, env = {}) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

await setup();
notice('Building…');
await must(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn'], { cwd: root });

let desktop = false;
let sqliteBinding = null;
if (forceWeb) {
  notice('--web given: starting the web shell.');
} else if (!hasDisplay()) {
  notice('No display found: starting the web shell instead of the desktop window.');
} else {
  const problem = await ensureElectronBinary();
  if (problem !== null) {
    notice(`The Electron binary could not be downloaded (${problem}): starting the web shell instead.`);
  } else {
    try {
      sqliteBinding = await ensureElectronSqlite();
      desktop = true;
    } catch (error) {
      notice(`SQLite could not be built for Electron (${error.message}): starting the web shell instead.`);
    }
  }
}

if (desktop) {
  const electronArgs = [join(root, 'node_modules', 'electron', 'cli.js'), root];
  // Chromium refuses to start as root without this; a normal user keeps the OS sandbox.
  if (process.getuid?.() === 0) {
    notice('Running as root: Electron starts with --no-sandbox.');
    electronArgs.push('--no-sandbox');
  }
  launch(process.execPath, electronArgs, { HYPERADAPT_SQLITE_BINDING: sqliteBinding });
} else {
  const portIndex = args.indexOf('--port');
  const webArgs = [join(root, 'out', 'main', 'web.js')];
  if (portIndex !== -1) webArgs.push('--port', args[portIndex + 1] ?? '');
  launch(process.execPath, webArgs);
}
