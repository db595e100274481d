/**
 * The schema of a run's training settings: checked on the way in (the API, the CLI) and when a
 * stored run is read back. valibot only, no Node imports: the API contract uses it.
 */
import * as v from 'valibot';

// Messages in plain words: they are shown under the field in the Train step and printed by the CLI.
const number = v.number('Enter a number.');
const whole = v.integer('Must be a whole number.');
const finite = v.finite('Must be a finite number.');
const positiveInt = v.pipe(number, whole, v.minValue(1, 'Must be 1 or more.'));
const nonNegativeInt = v.pipe(number, whole, v.minValue(0, 'Must be 0 or more.'));
const positive = v.pipe(number, finite, v.gtValue(0, 'Must be more than 0.'));
const nonNegative = v.pipe(number, finite, v.minValue(0, 'Must be 0 or more.'));

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
  valSplit: v.pipe(number, v.minValue(0, 'Must be 0 or more.'), v.ltValue(1, 'Must be below 1 (a share of the rows, e.g. 0.1).')),
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
