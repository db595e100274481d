/**
 * One run followed live: its record, its loss curves and the latest step's numbers. It starts
 * from what the library already holds (runs.get + runs.metrics), so a reopened window or a
 * reloaded page picks a run up where it is, then follows the runs.* events.
 */
import type { RunRecord, RunStepEvent } from '../../../main/api/contract';
import { api } from './api-client';
import { message } from './library-state.svelte';

export type CurvePoint = readonly [step: number, loss: number];

export const ACTIVE: readonly RunRecord['status'][] = ['queued', 'running', 'paused'];

export class RunMonitor {
  run = $state.raw<RunRecord | null>(null);
  train = $state.raw<CurvePoint[]>([]);
  validation = $state.raw<CurvePoint[]>([]);
  latest = $state.raw<RunStepEvent | null>(null);
  error = $state<string | null>(null);
  #stop: (() => void) | null = null;

  get active(): boolean {
    return this.run !== null && ACTIVE.includes(this.run.status);
  }

  async follow(runId: number): Promise<void> {
    this.close();
    // Listen first, so a step that lands while the history loads is not lost; duplicates are dropped by step.
    const stops = [
      api.on('runs.step', (event) => {
        if (event.runId !== runId) return;
        this.latest = event;
        if (event.loss !== null) this.train = append(this.train, [event.step, event.loss]);
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
      const history = (split: 'train' | 'validation') => metrics.flatMap((m): CurvePoint[] => (m.split === split && m.loss !== null ? [[m.step, m.loss]] : []));
      this.train = merge(history('train'), this.train);
      this.validation = merge(history('validation'), this.validation);
    } catch (error) {
      this.error = message(error);
    }
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

/** History first, then live points it does not already cover. */
function merge(history: CurvePoint[], live: CurvePoint[]): CurvePoint[] {
  const last = history.at(-1)?.[0] ?? -1;
  return [...history, ...live.filter(([step]) => step > last)];
}
