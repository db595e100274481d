import { describe, expect, it } from 'vitest';
import { SpeedService, type SpeedJobHandle } from '../../../src/main/api/speed-service';
import type { SpeedJobResult } from '../../../src/main/engine/train/speed-job';
import type { SpeedProbeOptions } from '../../../src/main/engine/train/speed-probe';
import { addDataset } from '../../../src/main/store/dataset-import';
import { addModel } from '../../../src/main/store/model-import';
import { completeSettings } from '../../../src/main/store/run-options';
import { scratchLibrary, tinyDataFile, tinyModelFolder } from '../store/helpers/fixtures';

/** A job that finishes when the test says so; cancel resolves it with no speed, as SpeedJob does. */
class StubJob implements SpeedJobHandle {
  readonly done: Promise<SpeedJobResult>;
  cancelled = false;
  finish!: (secondsPerStep: number) => void;
  fail!: (error: Error) => void;
  #resolve!: (result: SpeedJobResult) => void;

  constructor(readonly options: SpeedProbeOptions) {
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.fail = reject;
    });
    this.finish = (secondsPerStep) =>
      this.#resolve({ speed: { device: 'cpu', secondsPerStep, tokensPerSecond: 100, warmupSteps: 1, measuredSteps: 3, trainRows: 36, validationRows: 4, setupSeconds: 0.5 }, addedMemoryBytes: 1024 });
  }

  cancel(): void {
    this.cancelled = true;
    this.#resolve({ speed: null, addedMemoryBytes: null });
  }
}

async function service() {
  const library = await scratchLibrary();
  const { model } = await addModel(library, await tinyModelFolder());
  const { dataset } = await addDataset(library, await tinyDataFile(40));
  const jobs: StubJob[] = [];
  const speed = new SpeedService(library, (options) => {
    const job = new StubJob(options);
    jobs.push(job);
    return job;
  });
  const request = (given: Parameters<typeof completeSettings>[0] = {}) => ({ modelId: model.id, datasetId: dataset.id, settings: completeSettings({ maxLength: 16, ...given }) });
  return { speed, jobs, request, model, dataset };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SpeedService', () => {
  it('measures the library copies with the run settings, and shares one measurement between callers of the same settings', async () => {
    const { speed, jobs, request, model, dataset } = await service();
    const a = speed.measure(request());
    const b = speed.measure(request({ epochs: 4 }));
    await tick();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.options).toMatchObject({ model: model.path, data: dataset.path, maxLength: 16, batchSize: 4 });
    jobs[0]!.finish(0.5);
    await expect(a).resolves.toMatchObject({ status: 'measured', estimate: { secondsPerStep: 0.5, totalSteps: 9, cached: false, peakMemoryBytes: 1024 } });
    await expect(b).resolves.toMatchObject({ status: 'measured', estimate: { secondsPerStep: 0.5, totalSteps: 36, cached: true } });
  });

  it('lets newer settings replace a measurement in progress, and a starting run stop it', async () => {
    const { speed, jobs, request } = await service();
    const old = speed.measure(request({ batchSize: 2 }));
    const newer = speed.measure(request({ batchSize: 8 }));
    await expect(old).resolves.toMatchObject({ status: 'cancelled' });
    await tick();
    expect(jobs.map((j) => j.cancelled)).toEqual([true, false]);
    speed.onRunStatus({ status: 'queued' } as Parameters<SpeedService['onRunStatus']>[0]);
    await expect(newer).resolves.toMatchObject({ status: 'cancelled' });
    expect(speed.cancel()).toBe(false);
  });

  it('passes a failure to its caller and measures again next time', async () => {
    const { speed, jobs, request } = await service();
    const failing = speed.measure(request());
    await tick();
    jobs[0]!.fail(new Error('the CUDA provider did not load'));
    await expect(failing).rejects.toThrow('the CUDA provider did not load');
    const again = speed.measure(request());
    await tick();
    expect(jobs).toHaveLength(2);
    jobs[1]!.finish(0.25);
    await expect(again).resolves.toMatchObject({ status: 'measured', estimate: { secondsPerStep: 0.25 } });
  });
});
