import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTinyModel } from '../../../src/main/engine/models/tiny-model';
import { latestValidCheckpoint } from '../../../src/main/engine/train/checkpoint';
import { TRAIN_DEFAULTS, type TrainOptions } from '../../../src/main/engine/train/train-options';
import { TrainingJob, type JobEvent } from '../../../src/main/engine/train/training-job';

let dir: string;
let base: TrainOptions;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-job-'));
  const model = join(dir, 'model');
  await generateTinyModel({ out: model, arch: 'qwen3', hidden: 32, layers: 2, seed: 9 });
  const data = join(dir, 'data.jsonl');
  const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify({ input_ids: [1 + (i % 9), 20 + (i % 5), 40 + (i % 3), 60 + (i % 7)] }));
  await writeFile(data, rows.join('\n') + '\n');
  base = { ...TRAIN_DEFAULTS, model, data, out: '', steps: 10, batchSize: 4, maxLength: 16, saveEvery: 100, evalEvery: 5, threads: 1 };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function losses(events: JobEvent[]): number[] {
  return events.flatMap((event) => (event.type === 'step' ? [event.metrics.loss] : []));
}

describe('TrainingJob', () => {
  it('pauses between steps, resumes, and on cancel checkpoints the last step; resuming reproduces the uninterrupted losses', async () => {
    const full = new TrainingJob({ ...base, out: join(dir, 'full') });
    const fullEvents: JobEvent[] = [];
    full.events.on('event', (event) => fullEvents.push(event));
    expect((await full.done).steps).toBe(10);

    const interrupted = new TrainingJob({ ...base, out: join(dir, 'interrupted') });
    const events: JobEvent[] = [];
    // Control messages are honoured at the next step boundary the worker reaches after them, so
    // each one is sent only once the previous one has visibly taken effect.
    let pauseSent = false;
    let resumed = false;
    let cancelSent = false;
    interrupted.events.on('event', (event) => {
      events.push(event);
      if (event.type === 'step' && event.metrics.step >= 2 && !pauseSent) {
        pauseSent = true;
        interrupted.pause();
      }
      if (event.type === 'paused') setTimeout(() => interrupted.resume(), 100); // nothing runs meanwhile
      if (event.type === 'resumed') resumed = true;
      if (event.type === 'step' && resumed && !cancelSent) {
        cancelSent = true;
        interrupted.cancel();
      }
    });
    const stopped = await interrupted.done;
    expect(stopped.reason).toBe('cancelled');
    expect(stopped.steps).toBeGreaterThanOrEqual(3);
    expect(stopped.steps).toBeLessThan(10);
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['start', 'step', 'paused', 'resumed', 'checkpoint', 'done']),
    );
    const pausedAt = events.findIndex((event) => event.type === 'paused');
    expect(events[pausedAt]).toMatchObject({ type: 'paused', step: expect.any(Number) });
    expect(events[pausedAt + 1]).toEqual({ type: 'resumed' });

    const { dir: checkpoint } = await latestValidCheckpoint(join(dir, 'interrupted', 'checkpoints'));
    expect(checkpoint).toMatch(new RegExp(`step-${String(stopped.steps).padStart(8, '0')}$`));
    const continued = new TrainingJob({ ...base, out: join(dir, 'interrupted'), resume: checkpoint! });
    const resumedEvents: JobEvent[] = [];
    continued.events.on('event', (event) => resumedEvents.push(event));
    expect((await continued.done).steps).toBe(10);
    const combined = [...losses(events), ...losses(resumedEvents)];
    const reference = losses(fullEvents);
    expect(combined).toHaveLength(10);
    combined.forEach((loss, i) => expect(loss).toBeCloseTo(reference[i]!, 6));
  });

  it('reports a failure as a rejected promise with the reason', async () => {
    const job = new TrainingJob({ ...base, out: join(dir, 'missing'), model: join(dir, 'no-such-model') });
    await expect(job.done).rejects.toThrow(/no-such-model/);
  });
});
