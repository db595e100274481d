/**
 * The schema of a run's training settings: checked on the way in (the API, the CLI) and when a
 * stored run is read back. valibot only, no Node imports: the API contract uses it.
 */
import * as v from 'valibot';

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1));
const nonNegativeInt = v.pipe(v.number(), v.integer(), v.minValue(0));
const positive = v.pipe(v.number(), v.finite(), v.gtValue(0));
const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));

export const runSettingsSchema = v.strictObject({
  targets: v.optional(v.pipe(v.array(v.string()), v.minLength(1, 'Choose at least one module to adapt.'))),
  lr: positive,
  epochs: positive,
  steps: v.optional(positiveInt),
  batchSize: positiveInt,
  gradAccum: positiveInt,
  maxLength: positiveInt,
  schedule: v.picklist(['constant', 'linear', 'cosine']),
  warmup: v.optional(nonNegativeInt),
  weightDecay: nonNegative,
  clip: nonNegative,
  seed: nonNegativeInt,
  shuffle: v.boolean(),
  valSplit: v.pipe(v.number(), v.minValue(0), v.ltValue(1)),
  evalEvery: v.optional(positiveInt),
  saveEvery: v.optional(positiveInt),
  keepCheckpoints: positiveInt,
  patience: nonNegativeInt,
  minDelta: nonNegative,
  device: v.picklist(['auto', 'cpu', 'cuda']),
  threads: v.optional(positiveInt),
});

/** What a caller may pass when starting a run: any subset; the rest are the trainer's defaults. */
export const runSettingsInputSchema = v.partial(runSettingsSchema);
