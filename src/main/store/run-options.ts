/**
 * From a run's stored settings to the trainer's options, and back. The library decides the
 * paths (the model's library folder, the dataset's copy, the run's folder); everything else is
 * the settings, stored whole so a resumed run trains with exactly what it started with.
 */
import * as v from 'valibot';
import { parseTargetModules } from '../engine/models/targets';
import { TRAIN_DEFAULTS, type TrainOptions } from '../engine/train/train-options';
import type { DatasetRecord, ModelRecord, RunRecord, RunSettings } from './records';
import { runSettingsSchema } from './run-settings-schema';

type PathOptions = 'model' | 'data' | 'out' | 'resume';
/** How to read the data file: recorded with the dataset (DatasetRecord.readOptions), not a run setting. */
type DataReadingOptions = 'format' | 'columns' | 'textUnit' | 'validationData' | 'dropInvalidRows';
type TrainerSettings = Omit<TrainOptions, PathOptions | DataReadingOptions>;

// Compile-time guards: RunSettings must have exactly the trainer's settings (same keys, same
// types), so a new trainer option cannot be silently dropped from stored runs.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameKeys: Same<keyof RunSettings, keyof TrainerSettings> = true;
const sameTypes: Same<RunSettings, TrainerSettings> = true;
const schemaMatches: Same<RunSettings, v.InferOutput<typeof runSettingsSchema>> = true;
void sameKeys;
void sameTypes;
void schemaMatches;

const SETTING_KEYS = new Set(Object.keys(runSettingsSchema.entries));

/** The trainer's defaults overridden by `given`, checked (target names included). */
export function completeSettings(given: Partial<RunSettings>): RunSettings {
  // Only the run settings among the trainer's defaults: a default for how data is read is the dataset's business.
  const merged = Object.fromEntries(Object.entries({ ...TRAIN_DEFAULTS, ...given }).filter(([key, value]) => SETTING_KEYS.has(key) && value !== undefined));
  const parsed = v.safeParse(runSettingsSchema, merged);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new RangeError(`Training setting ${v.getDotPath(issue) ?? '(settings)'}: ${issue.message}`);
  }
  if (parsed.output.targets) parseTargetModules(parsed.output.targets);
  return parsed.output;
}

export function trainOptionsFor(run: RunRecord, model: ModelRecord, dataset: DatasetRecord, resume: string | null): TrainOptions {
  return { ...run.settings, ...dataset.readOptions, model: model.path, data: dataset.path, out: run.path, ...(resume ? { resume } : {}) };
}
