/**
 * What the Train step says before Start: the memory a run needs on the device it will train on
 * (with a warning when that device has less), how long it will take in plain words, and which
 * settings a speed measurement depends on.
 */
import type { SpeedEstimate, SystemInfo, TargetModuleInfo } from '../../../main/api/contract';
import { formatAbout } from '../../../main/api/about-duration';
import { formatBytes, formatCount } from './format';
import type { EditableSettings } from './presets';

export { formatAbout };

export interface MemoryTarget {
  device: 'cpu' | 'cuda';
  /** "RAM" or "GPU memory on <name>". */
  label: string;
  /** Bytes the device has for the run: free RAM, or the GPU's total (drivers rarely say what is free). */
  availableBytes: number | null;
  availableKind: 'free' | 'total';
}

/**
 * The device the run will use: the one a measurement ran on when there is one, else the setting,
 * with 'auto' meaning CUDA where its provider loads (as the trainer decides).
 */
export function memoryTarget(device: EditableSettings['device'], info: SystemInfo | null, measured: 'cpu' | 'cuda' | null): MemoryTarget {
  const cudaLoads = info?.executionProviders.available.includes('cuda') ?? false;
  const resolved = measured ?? (device === 'auto' ? (cudaLoads ? 'cuda' : 'cpu') : device);
  if (resolved === 'cuda') {
    const gpu = info?.gpus[0] ?? null;
    return { device: 'cuda', label: gpu ? `GPU memory on ${gpu.name}` : 'GPU memory', availableBytes: gpu?.memoryBytes ?? null, availableKind: 'total' };
  }
  return { device: 'cpu', label: 'RAM', availableBytes: info?.memory.freeBytes ?? null, availableKind: 'free' };
}

/** A warning when the estimate exceeds what the device has; null when it fits or nobody knows. */
export function memoryWarning(neededBytes: number, target: MemoryTarget): string | null {
  if (target.availableBytes === null || neededBytes <= target.availableBytes) return null;
  const has = target.availableKind === 'free' ? `${formatBytes(target.availableBytes)} is free` : `it has ${formatBytes(target.availableBytes)}`;
  const fix = 'a smaller batch or max length, or fewer modules to adapt, needs less';
  return `This run may need more ${target.label} than there is (about ${formatBytes(neededBytes)}; ${has}): ${fix}.`;
}

/** How a time figure was measured, for the note under Start. */
export function describeMeasurement(speed: SpeedEstimate): string {
  const device = speed.device === 'cuda' ? 'the GPU' : 'the CPU';
  const steps = `${speed.measuredSteps} timed ${speed.measuredSteps === 1 ? 'step' : 'steps'} after ${speed.warmupSteps} warm-up`;
  const perStep = speed.secondsPerStep < 1 ? `${Math.round(speed.secondsPerStep * 1000)} ms` : `${speed.secondsPerStep.toFixed(1)} s`;
  const validation = speed.evaluations > 0 ? `, plus ${speed.evaluations} validation ${speed.evaluations === 1 ? 'pass' : 'passes'}` : '';
  const memory = speed.peakMemoryBytes == null ? '' : ` Measuring added about ${formatBytes(speed.peakMemoryBytes)} to the app's memory at its peak.`;
  return `Time measured with ${steps} on ${device}: ${perStep} a step, ${formatCount(Math.round(speed.tokensPerSecond))} tokens/s; ${speed.totalSteps.toLocaleString()} steps in all${validation}.${memory}`;
}

/** The settings a speed measurement is for: a change here makes a shown time figure stale. */
export function speedKey(modelId: number | null, datasetId: number | null, settings: EditableSettings): string {
  const { batchSize, gradAccum, maxLength, device, valSplit, seed, targets } = settings;
  return JSON.stringify([modelId, datasetId, batchSize, gradAccum, maxLength, device, valSplit, seed, targets]);
}

/** Trainable counts of a choice of modules: the sums of each module's counts (null: every module). */
export function trainableCounts(modules: readonly TargetModuleInfo[], chosen: readonly string[] | null): { hyperAdapt: number; lora: number } {
  const picked = modules.filter((m) => chosen === null || chosen.includes(m.module));
  return { hyperAdapt: picked.reduce((n, m) => n + m.hyperAdaptParameters, 0), lora: picked.reduce((n, m) => n + m.loraParameters, 0) };
}
