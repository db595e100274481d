import os from 'node:os';
import { describe, expect, it } from 'vitest';
import packageJson from '../../../package.json';
import { parseNvidiaSmi } from '../../../src/main/system/gpus';
import { getSystemInfo, sampleSystemUsage } from '../../../src/main/system/system-info';

describe('getSystemInfo', () => {
  it('reports this machine as the operating system sees it', async () => {
    const info = await getSystemInfo();
    expect(info.app.version).toBe(packageJson.version);
    expect(info.runtime.node).toBe(process.versions.node);
    expect(info.runtime.onnxruntime).toBe(packageJson.dependencies['onnxruntime-node']);
    expect(info.cpu.cores).toBe(os.availableParallelism());
    expect(info.cpu.model.length).toBeGreaterThan(0);
    expect(info.memory.totalBytes).toBe(os.totalmem());
    expect(info.memory.freeBytes).toBeGreaterThan(0);
    expect(info.memory.freeBytes).toBeLessThanOrEqual(info.memory.totalBytes);
  });

  it('always offers the CPU provider, and explains a CUDA provider that did not load', async () => {
    const info = await getSystemInfo();
    expect(info.executionProviders.available).toContain('cpu');
    if (!info.executionProviders.available.includes('cuda')) {
      expect(info.executionProviders.notes.some((note) => note.startsWith('CUDA:'))).toBe(true);
    }
  });
});

describe('sampleSystemUsage', () => {
  it('samples memory and load', () => {
    const usage = sampleSystemUsage();
    expect(usage.totalMemoryBytes).toBe(os.totalmem());
    expect(usage.processRssBytes).toBeGreaterThan(0);
    expect(usage.cpuLoad).toBeGreaterThanOrEqual(0);
  });
});

describe('parseNvidiaSmi', () => {
  it('parses one line per GPU', () => {
    const csv = 'NVIDIA H200, 143771, 570.124.06\nNVIDIA GeForce RTX 4090, 24564, 570.124.06\n';
    expect(parseNvidiaSmi(csv)).toEqual([
      { name: 'NVIDIA H200', memoryBytes: 143771 * 1024 * 1024, driverVersion: '570.124.06' },
      { name: 'NVIDIA GeForce RTX 4090', memoryBytes: 24564 * 1024 * 1024, driverVersion: '570.124.06' },
    ]);
  });

  it('keeps a GPU whose memory is not reported', () => {
    expect(parseNvidiaSmi('Some GPU, [N/A], 1.0')).toEqual([{ name: 'Some GPU', memoryBytes: null, driverVersion: '1.0' }]);
  });

  it('returns nothing for empty output', () => {
    expect(parseNvidiaSmi('\n')).toEqual([]);
  });
});
