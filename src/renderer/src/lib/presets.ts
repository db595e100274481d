/**
 * Training presets. Small datasets need more passes to be learned from, large ones fewer, so
 * the recommended preset follows the dataset's size; every number stays editable under Advanced.
 */
import type { RunSettings } from '../../../main/api/contract';

export type PresetId = 'quick' | 'balanced' | 'thorough';

/** The settings the Train step edits; the rest keep the trainer's defaults. */
export type EditableSettings = Pick<RunSettings, 'lr' | 'epochs' | 'batchSize' | 'gradAccum' | 'maxLength' | 'schedule' | 'patience' | 'valSplit' | 'seed' | 'device'> & {
  /** 0: none. */
  warmup: number;
  /** null: as many as the epochs take. */
  steps: number | null;
  /** Modules to adapt; null: every linear of every block (the trainer's default). */
  targets: string[] | null;
};

/** What a preset leaves as it is: where to train and which modules, which follow the machine and the model. */
export type PresetNumbers = Omit<EditableSettings, 'device' | 'targets'>;

export interface Preset {
  id: PresetId;
  label: string;
  description: string;
  settings: PresetNumbers;
}

const common = { batchSize: 4, gradAccum: 1, schedule: 'cosine', patience: 3, valSplit: 0.1, seed: 42, warmup: 0, steps: null } as const;

export const PRESETS: readonly Preset[] = [
  { id: 'quick', label: 'Quick', description: 'One pass over shorter examples: a first look in minutes.', settings: { ...common, lr: 0.1, epochs: 1, maxLength: 256 } },
  { id: 'balanced', label: 'Balanced', description: 'Two passes at full length: a good default.', settings: { ...common, lr: 0.1, epochs: 2, maxLength: 512 } },
  { id: 'thorough', label: 'Thorough', description: 'Three passes, a gentler rate and warm-up: best results, longest.', settings: { ...common, lr: 0.05, epochs: 3, maxLength: 512, warmup: 10 } },
];

/** Few rows: more passes pay; many rows: one pass already shows the model a lot. */
export function recommendedPreset(rows: number): PresetId {
  if (rows < 500) return 'thorough';
  if (rows <= 20_000) return 'balanced';
  return 'quick';
}

export function presetSettings(id: PresetId): PresetNumbers {
  const preset = PRESETS.find((p) => p.id === id);
  if (!preset) throw new RangeError(`unknown preset ${id}`);
  return { ...preset.settings };
}

/** What runs.start receives: the edited numbers, leaving unset what the user left unset. */
export function toRunSettings(settings: EditableSettings): Partial<RunSettings> {
  const { steps, warmup, targets, ...rest } = settings;
  return { ...rest, ...(steps === null ? {} : { steps }), ...(warmup > 0 ? { warmup } : {}), ...(targets === null ? {} : { targets: [...targets] }) };
}
