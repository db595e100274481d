/** Everything the System screen shows, gathered in one call. */
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import packageJson from '../../../package.json';
import type { SystemInfo, SystemUsage } from '../api/contract';
import { dataDirectory } from '../data-directory';
import { probeExecutionProviders } from '../engine/onnx/providers';
import { detectNvidiaGpus } from './gpus';

export const APP_NAME = packageJson.productName;
export const APP_VERSION = packageJson.version;

/** @param dataDirectoryInUse the library folder this process has open (it may differ from the setting until a restart) */
export async function getSystemInfo(dataDirectoryInUse: string = dataDirectory()): Promise<SystemInfo> {
  const [providers, gpus] = await Promise.all([probeExecutionProviders(), detectNvidiaGpus()]);
  const cpus = os.cpus();
  return {
    app: { name: APP_NAME, version: APP_VERSION },
    runtime: {
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      onnxruntime: ort.env.versions.node ?? ort.env.versions.common,
      platform: process.platform,
      arch: process.arch,
      osRelease: os.release(),
    },
    executionProviders: { available: [...providers.available], notes: [...providers.notes] },
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', cores: os.availableParallelism() },
    memory: { totalBytes: os.totalmem(), freeBytes: os.freemem() },
    gpus,
    dataDirectory: dataDirectoryInUse,
  };
}

export function sampleSystemUsage(): SystemUsage {
  const cores = Math.max(1, os.availableParallelism());
  return {
    at: Date.now(),
    freeMemoryBytes: os.freemem(),
    totalMemoryBytes: os.totalmem(),
    processRssBytes: process.memoryUsage.rss(),
    cpuLoad: (os.loadavg()[0] ?? 0) / cores,
  };
}
