import { describe, expect, it } from 'vitest';
import type { SpeedEstimate, SystemInfo, TargetModuleInfo } from '../../../src/main/api/contract';
import { describeMeasurement, formatAbout, memoryTarget, memoryWarning, speedKey, trainableCounts } from '../../../src/renderer/src/lib/train-estimate';
import { presetSettings } from '../../../src/renderer/src/lib/presets';

const GB = 2 ** 30;

function info(cuda: boolean, gpuBytes: number | null = 80 * GB): SystemInfo {
  return {
    app: { name: 'x', version: '0' },
    runtime: { node: '20', electron: null, onnxruntime: '1', platform: 'linux', arch: 'x64', osRelease: '6' },
    executionProviders: { available: cuda ? ['cuda', 'cpu'] : ['cpu'], notes: [] },
    cpu: { model: 'cpu', cores: 2 },
    memory: { totalBytes: 16 * GB, freeBytes: 4 * GB },
    gpus: cuda ? [{ name: 'NVIDIA H200', memoryBytes: gpuBytes, driverVersion: '550' }] : [],
    dataDirectory: '/data',
  };
}

describe('memory on the device the run will use', () => {
  it('is RAM on the CPU and GPU memory where CUDA loads, as auto decides; a measurement says which', () => {
    expect(memoryTarget('auto', info(false), null)).toMatchObject({ device: 'cpu', label: 'RAM', availableBytes: 4 * GB, availableKind: 'free' });
    expect(memoryTarget('auto', info(true), null)).toMatchObject({ device: 'cuda', label: 'GPU memory on NVIDIA H200', availableBytes: 80 * GB, availableKind: 'total' });
    expect(memoryTarget('cpu', info(true), null).device).toBe('cpu');
    expect(memoryTarget('auto', info(true), 'cpu').device).toBe('cpu');
    expect(memoryTarget('auto', null, null)).toMatchObject({ device: 'cpu', availableBytes: null });
  });

  it('warns when the estimate exceeds what the device has, and only then', () => {
    expect(memoryWarning(3 * GB, memoryTarget('cpu', info(false), null))).toBeNull();
    expect(memoryWarning(5 * GB, memoryTarget('cpu', info(false), null))).toMatch(/more RAM than there is \(about 5\.0 GB; 4\.0 GB is free\)/);
    expect(memoryWarning(90 * GB, memoryTarget('cuda', info(true), null))).toMatch(/more GPU memory on NVIDIA H200 than there is .*it has 80\.0 GB/);
    expect(memoryWarning(90 * GB, memoryTarget('cuda', info(true, null), null))).toBeNull();
  });
});

describe('time in plain words', () => {
  it('rounds as an estimate should', () => {
    expect(formatAbout(0.4)).toBe('under a second');
    expect(formatAbout(1.2)).toBe('about 1 second');
    expect(formatAbout(7.6)).toBe('about 8 seconds');
    expect(formatAbout(43)).toBe('about 45 seconds');
    expect(formatAbout(59)).toBe('about 1 min');
    expect(formatAbout(14 * 60 + 10)).toBe('about 14 min');
    expect(formatAbout(3600)).toBe('about 1 hour');
    expect(formatAbout(2 * 3600 + 10 * 60)).toBe('about 2 hours 10 min');
    expect(formatAbout(5 * 86_400)).toBe('about 5 days');
  });

  it('says how the figure was measured', () => {
    const speed = { secondsPerStep: 0.123, tokensPerSecond: 1234.4, measuredSteps: 3, warmupSteps: 1, device: 'cpu', totalSteps: 1800, evaluations: 11 } as SpeedEstimate;
    expect(describeMeasurement(speed)).toBe(`Time measured with 3 timed steps after 1 warm-up on the CPU: 123 ms a step, 1.2K tokens/s; ${(1800).toLocaleString()} steps in all, plus 11 validation passes.`);
    expect(describeMeasurement({ ...speed, peakMemoryBytes: 300 * 2 ** 20 })).toMatch(/passes\. Measuring added about 300 MB to the app's memory at its peak\.$/);
  });
});

describe('what a time figure depends on', () => {
  const base = { ...presetSettings('balanced'), device: 'auto' as const, targets: null };

  it('changes with the batch, the max length, the modules, the model and the dataset, not with the epochs or the rate', () => {
    const key = speedKey(1, 2, base);
    expect(speedKey(1, 2, { ...base, epochs: 7, lr: 0.01, steps: 40 })).toBe(key);
    for (const other of [speedKey(1, 2, { ...base, batchSize: 8 }), speedKey(1, 2, { ...base, maxLength: 128 }), speedKey(1, 2, { ...base, targets: ['q_proj'] }), speedKey(3, 2, base), speedKey(1, 4, base)]) {
      expect(other).not.toBe(key);
    }
  });

  it('counts trainable numbers as the sums over the chosen modules', () => {
    const modules: TargetModuleInfo[] = [
      { module: 'q_proj', chosen: true, hyperAdaptParameters: 10, loraParameters: 80 },
      { module: 'v_proj', chosen: true, hyperAdaptParameters: 6, loraParameters: 48 },
      { module: 'down_proj', chosen: true, hyperAdaptParameters: 20, loraParameters: 160 },
    ];
    expect(trainableCounts(modules, null)).toEqual({ hyperAdapt: 36, lora: 288 });
    expect(trainableCounts(modules, ['q_proj', 'v_proj'])).toEqual({ hyperAdapt: 16, lora: 128 });
  });
});
