/**
 * NVIDIA GPUs present on this machine, whether or not onnxruntime can use them: the app
 * shows "GPU found but CUDA provider missing" differently from "no GPU".
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GpuInfo } from '../api/contract';

/** Parses `nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(csv: string): GpuInfo[] {
  return csv
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [name = '', memoryMiB = '', driver = ''] = line.split(',').map((field) => field.trim());
      const mib = Number(memoryMiB);
      return {
        name,
        memoryBytes: Number.isFinite(mib) && memoryMiB !== '' ? mib * 1024 * 1024 : null,
        driverVersion: driver === '' ? null : driver,
      };
    });
}

function runNvidiaSmi(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'],
      { timeout: 5000, windowsHide: true },
      (error, stdout) => resolve(error ? null : stdout),
    );
  });
}

/** Linux without nvidia-smi on PATH: the kernel driver still lists its GPUs under /proc. */
async function readProcDriver(): Promise<GpuInfo[]> {
  const root = '/proc/driver/nvidia/gpus';
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return [];
  }
  let driverVersion: string | null = null;
  try {
    const version = await readFile('/proc/driver/nvidia/version', 'utf8');
    driverVersion = /Kernel Module\s+([\d.]+)/.exec(version)?.[1] ?? null;
  } catch {
    // The version file is informative only.
  }
  const gpus: GpuInfo[] = [];
  for (const entry of entries) {
    try {
      const information = await readFile(join(root, entry, 'information'), 'utf8');
      const name = /^Model:\s*(.+)$/m.exec(information)?.[1]?.trim() ?? 'NVIDIA GPU';
      gpus.push({ name, memoryBytes: null, driverVersion });
    } catch {
      // A GPU directory without an information file is skipped rather than guessed at.
    }
  }
  return gpus;
}

export async function detectNvidiaGpus(): Promise<GpuInfo[]> {
  const smi = await runNvidiaSmi();
  if (smi !== null) return parseNvidiaSmi(smi);
  return process.platform === 'linux' ? readProcDriver() : [];
}
