// Installs dependencies when they are missing or stale, without ever failing on a download
// the machine cannot make. npm's own install never downloads the two large optional
// binaries (we pass the skip flags); we fetch them here, where a failure is only a notice:
//  - onnxruntime's CUDA provider, on Linux x64 with an NVIDIA GPU;
//  - the Electron binary, only when `npm start` is about to open a window (see start.mjs).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasNvidiaGpu, must, notice, npmCommand, run } from './lib.mjs';

const root = join(import.meta.dirname, '..');
const stampFile = join(root, 'node_modules', '.hyperadapt-install.json');

function lockHash() {
  const lock = join(root, 'package-lock.json');
  const text = readFileSync(existsSync(lock) ? lock : join(root, 'package.json'));
  return createHash('sha256').update(text).update(process.version).digest('hex');
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return null;
  }
}

const quietDownloads = {
  ...process.env,
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
};

async function installDependencies() {
  const hasLock = existsSync(join(root, 'package-lock.json'));
  notice(`Installing dependencies (${hasLock ? 'npm ci' : 'npm install'})…`);
  await must(npmCommand(), [hasLock ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: root, env: quietDownloads });
}

function cudaProviderPresent() {
  const dir = join(root, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
  return existsSync(join(dir, 'libonnxruntime_providers_cuda.so'));
}

/** onnxruntime's own installer, asked explicitly for the CUDA 12 provider. */
async function fetchCudaProvider() {
  if (!hasNvidiaGpu() || cudaProviderPresent()) return;
  notice('NVIDIA GPU found: fetching the onnxruntime CUDA provider…');
  const script = join(root, 'node_modules', 'onnxruntime-node', 'script', 'install.js');
  const code = await run(process.execPath, [script, '--onnxruntime-node-install=cuda12'], {
    cwd: join(root, 'node_modules', 'onnxruntime-node'),
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
    timeoutMs: 15 * 60_000,
  });
  if (code === 0 && cudaProviderPresent()) notice('CUDA provider installed: training can use the GPU.');
  else notice('Could not fetch the onnxruntime CUDA provider (no network?); training will use the CPU. Run `npm run setup` again to retry.');
}

/**
 * reinstall: run npm ci even when node_modules matches the lock file.
 * retryDownloads: try the CUDA provider again even if this install already tried.
 */
export async function setup({ reinstall = false, retryDownloads = false } = {}) {
  const hash = lockHash();
  const stamp = readStamp();
  const fresh = existsSync(join(root, 'node_modules')) && stamp?.lockHash === hash;
  if (!fresh || reinstall) {
    await installDependencies();
    writeFileSync(stampFile, JSON.stringify({ lockHash: hash, installedAt: new Date().toISOString() }, null, 2));
  }
  if (!fresh || reinstall || retryDownloads) await fetchCudaProvider();
}

// `npm run setup [-- --reinstall]`: the explicit form also retries the CUDA download.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await setup({ reinstall: process.argv.includes('--reinstall'), retryDownloads: true });
}
