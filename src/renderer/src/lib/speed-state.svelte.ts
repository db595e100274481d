/**
 * The Train step's time figure: runs.measureSpeed asked once the settings have settled, never
 * while a run trains. A figure for other settings goes at once (a stale time is worse than none);
 * settings that only change the run's length (epochs, steps) keep it while the cached answer
 * comes back with the new length.
 */
import type { RunSettings, SpeedEstimate } from '../../../main/api/contract';
import { api } from './api-client';
import { message } from './library-state.svelte';
import type { EditableSettings } from './presets';
import { speedKey } from './train-estimate';

export type SpeedStatus = 'idle' | 'waiting' | 'measuring' | 'measured' | 'failed';

interface Pending {
  key: string;
  /** The whole request, to skip asking again for what is already shown. */
  asked: string;
  modelId: number;
  datasetId: number;
  settings: Partial<RunSettings>;
}

/** How long settings must stay unchanged before measuring: typing "512" is one change, not three. */
const SETTLE_MS = 600;

export class SpeedState {
  estimate = $state.raw<SpeedEstimate | null>(null);
  status = $state<SpeedStatus>('idle');
  error = $state<string | null>(null);
  #shownKey: string | null = null;
  #shownAsked: string | null = null;
  #pending: Pending | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #generation = 0;
  #inFlight = 0;
  /** The request of the newest call still on its way, so the same one is not asked twice. */
  #asking: string | null = null;
  #allowed = false;
  /** Set by a start: no measuring until the started run has been seen training (allow(false)). */
  #held = false;

  /** The settings changed; null when they cannot be measured (a field out of range, nothing chosen). */
  request(modelId: number | null, datasetId: number | null, settings: EditableSettings): void {
    const measurable = speedSettings(settings);
    if (modelId === null || datasetId === null || measurable === null) {
      this.#pending = null;
      this.#clearTimer();
      this.#generation++; // an answer on its way is for settings that no longer hold
      this.#asking = null;
      this.#show(null, null, null);
      this.status = 'idle';
      this.error = null;
      return;
    }
    const key = speedKey(modelId, datasetId, settings);
    const asked = JSON.stringify([modelId, datasetId, measurable]);
    if (key !== this.#shownKey) {
      this.#show(null, null, null);
      this.status = 'idle';
      this.error = null;
    }
    this.#pending = { key, asked, modelId, datasetId, settings: measurable };
    this.#schedule();
  }

  /** Whether measuring may happen now: not while a run trains here. */
  allow(allowed: boolean): void {
    if (!allowed) this.#held = false;
    if (allowed === this.#allowed) return;
    this.#allowed = allowed;
    this.#schedule();
  }

  /** A run is starting: hold measuring until it is seen training, then until it ends. */
  hold(): void {
    this.#held = true;
    this.#clearTimer();
  }

  /** The screen closes: nothing more is asked, and a measurement in progress stops. */
  dispose(): void {
    this.#clearTimer();
    this.#pending = null;
    if (this.#inFlight > 0) void api.call('runs.cancelSpeed', {}).catch(() => undefined);
  }

  #schedule(): void {
    this.#clearTimer();
    const pending = this.#pending;
    if (!pending || !this.#allowed || this.#held) {
      if (this.status === 'waiting') this.status = 'idle';
      return;
    }
    if (pending.asked === this.#shownAsked) return;
    if (pending.asked === this.#asking) {
      if (this.estimate === null) this.status = 'measuring'; // its answer is on the way
      return;
    }
    if (this.estimate === null) this.status = 'waiting';
    this.#timer = setTimeout(() => void this.#measure(pending), SETTLE_MS);
  }

  async #measure(pending: Pending): Promise<void> {
    this.#timer = null;
    const generation = ++this.#generation;
    if (this.estimate === null) this.status = 'measuring';
    this.#inFlight += 1;
    this.#asking = pending.asked;
    try {
      const result = await api.call('runs.measureSpeed', { modelId: pending.modelId, datasetId: pending.datasetId, settings: pending.settings });
      if (generation !== this.#generation) return;
      if (result.status === 'measured') {
        this.#show(result.estimate, pending.key, pending.asked);
        this.status = 'measured';
        this.error = null;
      } else if (this.estimate === null) {
        this.status = 'idle'; // a run started, or another window asked for other settings
      }
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#show(null, null, null);
      this.status = 'failed';
      this.error = message(error);
    } finally {
      this.#inFlight -= 1;
      if (generation === this.#generation) this.#asking = null;
    }
  }

  #show(estimate: SpeedEstimate | null, key: string | null, asked: string | null): void {
    this.estimate = estimate;
    this.#shownKey = key;
    this.#shownAsked = asked;
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

const isInt = (n: number, min: number) => Number.isInteger(n) && n >= min;

/** What runs.measureSpeed needs of the form, or null when a field is out of range (Start will say which). */
export function speedSettings(s: EditableSettings): Partial<RunSettings> | null {
  const valid =
    isInt(s.batchSize, 1) &&
    isInt(s.gradAccum, 1) &&
    isInt(s.maxLength, 1) &&
    Number.isFinite(s.epochs) &&
    s.epochs > 0 &&
    Number.isFinite(s.valSplit) &&
    s.valSplit >= 0 &&
    s.valSplit < 1 &&
    isInt(s.seed, 0) &&
    (s.steps === null || isInt(s.steps, 1)) &&
    (s.targets === null || s.targets.length > 0);
  if (!valid) return null;
  return {
    batchSize: s.batchSize,
    gradAccum: s.gradAccum,
    maxLength: s.maxLength,
    epochs: s.epochs,
    valSplit: s.valSplit,
    seed: s.seed,
    device: s.device,
    ...(s.steps === null ? {} : { steps: s.steps }),
    ...(s.targets === null ? {} : { targets: [...s.targets] }),
  };
}
