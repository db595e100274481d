// better-sqlite3 is a native addon: npm builds it for this Node's ABI, which the web shell, the
// CLI and the tests use. Electron's main process has another ABI, so the desktop app loads a
// second build of the same sources, made here against Electron's headers and kept beside
// node_modules; the store finds it through HYPERADAPT_SQLITE_BINDING.
import { cp, mkdtemp, rm, mkdir, copyFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { capture, firstErrorLine } from './lib.mjs';

const root = join(import.meta.dirname, '..');

function npmNodeGyp() {
  // npm ships node-gyp; npm_execpath points at npm's own cli when run through `npm start`.
  const candidates = [
    process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].filter(Boolean);
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** Path of better_sqlite3.node built for the installed Electron, building it once; throws why not. */
export async function ensureElectronSqlite() {
  const electron = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const sqlite = JSON.parse(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
  const target = join(root, 'node_modules', '.hyperadapt-electron', `better_sqlite3-${sqlite}-electron-${electron}.node`);
  if (existsSync(target)) return target;

  const gyp = npmNodeGyp();
  if (!gyp) throw new Error('node-gyp (shipped with npm) was not found');
  const work = await mkdtemp(join(tmpdir(), 'hyperadapt-sqlite-electron-'));
  try {
    const source = join(root, 'node_modules', 'better-sqlite3');
    for (const part of ['binding.gyp', 'package.json', 'src', 'deps']) await cp(join(source, part), join(work, part), { recursive: true });
    const { code, output } = await capture(
      process.execPath,
      [gyp, 'rebuild', '--release', `--target=${electron}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
      { cwd: work, timeoutMs: 15 * 60_000 },
    );
    if (code !== 0) {
      const offline = /network connectivity|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.test(output);
      throw new Error(offline ? "Electron's headers could not be downloaded (no network?)" : firstErrorLine(output) || `node-gyp exit code ${code}`);
    }
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
