/**
 * The Train step's helper methods: how long a run of given settings will take, measured with a
 * few real steps before it starts. Node-free, like contract.ts (the renderer typechecks it).
 */
import * as v from 'valibot';
import type { SpeedFigures } from '../engine/train/speed-figures';
import { runSettingsInputSchema } from '../store/run-settings-schema';
import { method } from './method';

/** A run's expected length, from a few of its own steps timed on this machine. */
export interface SpeedEstimate extends SpeedFigures {
  modelId: number;
  datasetId: number;
  /** The run's steps: `steps` when set, else epochs x stepsPerEpoch. */
  totalSteps: number;
  stepsPerEpoch: number;
  /** Validation passes over the run, and the seconds they add (forward only). */
  evaluations: number;
  evaluationSeconds: number;
  trainingSeconds: number;
  /** Setup, training and validation; early stopping can only make it shorter. */
  totalSeconds: number;
  /** Memory the measurement added to the app's process at its peak (sampled), or null when unknown. */
  peakMemoryBytes: number | null;
  /** When the steps were timed (ISO 8601); an answer from the cache keeps its original time. */
  measuredAt: string;
  /** True when these settings were measured before and nothing that changes speed differs. */
  cached: boolean;
}

/** Cancelled: a run started, runs.cancelSpeed was called, or newer settings took its place. */
export type SpeedMeasurement = { status: 'measured'; estimate: SpeedEstimate } | { status: 'cancelled'; message: string };

const id = v.pipe(v.number(), v.integer(), v.minValue(1));

export const trainMethods = {
  'runs.measureSpeed': method<SpeedMeasurement>()(
    "Times a few real training steps (one warm-up, three timed) of a library model on a library dataset with the given settings, in a worker, recording nothing; answers with seconds per step, tokens/s, the run's steps and its expected duration. Cached per model, dataset and the settings that change speed; one at a time (a newer request replaces an older one), and refused while a run trains.",
    v.strictObject({ modelId: id, datasetId: id, settings: v.optional(runSettingsInputSchema) }),
  ),
  'runs.cancelSpeed': method<{ cancelled: boolean }>()('Stops the speed measurement in progress after its current step; false when none was.', v.strictObject({})),
} as const;
