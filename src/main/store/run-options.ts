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

// Compile-time guard: RunSettings must be exactly the trainer's options without the paths, so a
// new trainer option cannot be silently dropped from stored runs.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const settingsMatchTrainer: Same<RunSettings, Omit<TrainOptions, PathOptions>> = true;
const settingsMatchSchema: Same<RunSettings, v.InferOutput<typeof runSettingsSchema>> = true;
void settingsMatchTrainer;
void settingsMatchSchema;

/** The trainer's defaults overridden by `given`, checked (target names included). */
export function completeSettings(given: Partial<RunSettings>): RunSettings {
  const merged = Object.fromEntries(Object.entries({ ...TRAIN_DEFAULTS, ...given }).filter(([, value]) => value !== undefined));
  const parsed = v.safeParse(runSettingsSchema, merged);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new RangeError(`Training setting ${v.getDotPath(issue) ?? '(settings)'}: ${issue.message}`);
  }
  if (parsed.output.targets) parseTargetModules(parsed.output.targets);
  return parsed.output;
}

export function trainOptionsFor(run: RunRecord, model: ModelRecord, dataset: DatasetRecord, resume: string | null): TrainOptions {
  return { ...run.settings, model: model.path, data: dataset.path, out: run.path, ...(resume ? { resume } : {}) };
}
