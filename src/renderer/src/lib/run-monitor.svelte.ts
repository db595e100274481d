/**
 * One run followed live: its record, its loss curves and the latest step's numbers. It starts
 * from what the library already holds (runs.get + runs.metrics), so a reopened window or a
 * reloaded page picks a run up where it is, then follows the runs.* events.
 */
import type { MetricPoint, RunRecord, RunStepEvent } from '../../../main/api/contract';
import { api } from './api-client';
import { message } from './library-state.svelte';

export type CurvePoint = readonly [step: number, value: number];

export const ACTIVE: readonly RunRecord['status'][] = ['queued', 'running', 'paused'];

export class RunMonitor {
  run = $state.raw<RunRecord | null>(null);
  train = $state.raw<CurvePoint[]>([]);
  validation = $state.raw<CurvePoint[]>([]);
  /** The learning rate of every step, for the chart's second scale. */
  learningRates = $state.raw<CurvePoint[]>([]);
  latest = $state.raw<RunStepEvent | null>(null);
  error = $state<string | null>(null);
  #stop: (() => void) | null = null;

  get active(): boolean {
    return this.run !== null && ACTIVE.includes(this.run.status);
  }

  async follow(runId: number): Promise<void> {
    this.close();
    // Listen first, so a step that lands while the history loads is not lost; duplicates are dropped by step.
    // Events sent before the socket is open are lost all the same: those gaps are filled from the library.
    let loaded = false;
    const stops = [
      api.on('runs.step', (event) => {
        if (event.runId !== runId) return;
        this.latest = event;
        // Every step has a learning rate, so a jump in them is steps whose events never came.
        const last = this.learningRates.at(-1)?.[0];
        if (loaded && last !== undefined && event.step > last + 1) void this.#fill(runId, last);
        if (event.loss !== null) this.train = append(this.train, [event.step, event.loss]);
        this.learningRates = append(this.learningRates, [event.step, event.learningRate]);
      }),
      api.on('runs.validation', (event) => {
        if (event.runId === runId) this.validation = append(this.validation, [event.step, event.loss]);
      }),
      api.on('runs.status', (run) => {
        if (run.id === runId) this.run = run;
      }),
    ];
    this.#stop = () => stops.forEach((stop) => stop());
    try {
      const [{ run }, metrics] = await Promise.all([api.call('runs.get', { id: runId }), api.call('runs.metrics', { id: runId })]);
      this.run = run;
      const lastRecorded = metrics.at(-1)?.step ?? 0;
      const firstLive = this.learningRates[0]?.[0];
      this.#add(metrics);
      loaded = true;
      if (firstLive !== undefined && firstLive > lastRecorded + 1) await this.#fill(runId, lastRecorded);
    } catch (error) {
      this.error = message(error);
    }
  }

  /** Recorded steps after `afterStep`, added to the curves where they are missing. */
  async #fill(runId: number, afterStep: number): Promise<void> {
    try {
      this.#add(await api.call('runs.metrics', { id: runId, afterStep }));
    } catch (error) {
      this.error = message(error);
    }
  }

  #add(metrics: readonly MetricPoint[]): void {
    const curve = (split: MetricPoint['split'], value: 'loss' | 'learningRate') =>
      metrics.flatMap((m): CurvePoint[] => {
        const v = m[value];
        return m.split === split && v !== null ? [[m.step, v]] : [];
      });
    this.train = union(this.train, curve('train', 'loss'));
    this.validation = union(this.validation, curve('validation', 'loss'));
    this.learningRates = union(this.learningRates, curve('train', 'learningRate'));
  }

  async act(action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    if (!this.run) return;
    try {
      // The record comes back by runs.status events: the call's own answer can arrive after a
      // newer event (a cancel that finished at once) and would put the run back to 'running'.
      await api.call(`runs.${action}`, { id: this.run.id });
      this.error = null;
    } catch (error) {
      this.error = message(error);
    }
  }

  close(): void {
    this.#stop?.();
    this.#stop = null;
  }
}

function append(points: CurvePoint[], point: CurvePoint): CurvePoint[] {
  const last = points.at(-1);
  return last !== undefined && last[0] >= point[0] ? points : [...points, point];
}

/** Both curves' points in step order, one per step (the first curve's where both have it). */
function union(a: readonly CurvePoint[], b: readonly CurvePoint[]): CurvePoint[] {
  const out: CurvePoint[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x[0] <= y[0])) {
      out.push(x!);
      i += 1;
      if (y !== undefined && x![0] === y[0]) j += 1;
    } else {
      out.push(y);
      j += 1;
    }
  }
  return out;
}
