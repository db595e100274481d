/**
 * The wizard's helper methods: a folder browser for the web shell (which cannot show a native
 * dialog) and a look at a model folder before it is added. Node-free, like contract.ts.
 */
import * as v from 'valibot';
import type { RowPreview } from '../data/preview';
import { datasetReadOptionsSchema } from '../store/dataset-read-options';
import type { JsonValue } from '../store/records';
import { method } from './method';

export interface FolderEntry {
  name: string;
  /** Absolute. */
  path: string;
  /** Holds a config.json: probably a Hugging Face model folder. */
  looksLikeModel: boolean;
}

export interface FileEntry {
  name: string;
  path: string;
  bytes: number;
}

export interface FolderListing {
  /** The folder listed, absolute with links resolved. */
  path: string;
  /** null at the root. */
  parent: string | null;
  looksLikeModel: boolean;
  /** Sub-folders only (files, devices and sockets are left out), visible ones first. */
  folders: FolderEntry[];
  /** Data files (by extension) when asked for with `dataFiles`; else empty. */
  files: FileEntry[];
  /** True when there were more sub-folders (or files) than listed. */
  truncated: boolean;
}

export interface TargetModuleInfo {
  /** e.g. q_proj */
  module: string;
  /** Whether the trainable counts (and the memory) are for a choice that includes it. */
  chosen: boolean;
  hyperAdaptParameters: number;
  loraParameters: number;
}

export interface ModelInspection {
  /** The folder, absolute with links resolved. */
  path: string;
  architecture: string;
  modelType: string;
  parameterCount: number;
  /** Bytes of the files a library copy would hold. */
  sizeBytes: number;
  dtype: string;
  layers: number;
  hiddenSize: number;
  contextLength: number;
  vocabSize: number;
  /** Trainable numbers with the chosen targets (default: every linear of every block)... */
  hyperAdaptParameters: number;
  /** ...and LoRA's on the same targets at loraRank, for comparison. */
  loraParameters: number;
  loraRank: number;
  /** Every module the model can adapt, in order, with what it adds over all blocks; the counts of a choice are the sums. */
  targets: TargetModuleInfo[];
  /** Expected peak memory of a training process at the given batch and sequence length. */
  memory: { batch: number; seqLen: number; totalBytes: number; weightBytes: number; activationBytes: number };
}

export type { PreviewSegment, RowPreview } from '../data/preview';

export interface DatasetCheck {
  /** The file, absolute with links resolved. */
  path: string;
  /** "<file type>:<format>", as datasets.add would record it. */
  format: string;
  /** Rows read; with dropInvalidRows, the valid rows only. */
  rows: number;
  /** The data layer's pre-flight report (src/main/data/report.ts), as JSON. */
  report: JsonValue;
  /** The library model whose tokenizer and chat template measured the rows; null without one. */
  model: { id: number; name: string; contextLength: number } | null;
  /** The max length the rows were measured against. */
  maxLength: number;
  /** The first valid rows as training sees them, learned text marked. */
  preview: RowPreview[];
}

export type DeviceChoice = 'auto' | 'cpu' | 'cuda';
export type ThemeChoice = 'system' | 'light' | 'dark';

export interface Preferences {
  /** The device new runs train on unless their settings say otherwise. */
  device: DeviceChoice;
  /** CPU threads for new runs; null: onnxruntime's choice (every core). */
  threads: number | null;
  theme: ThemeChoice;
}

export type PreferencesChange = Partial<Preferences>;

const positive = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(max));

export const wizardMethods = {
  'folders.list': method<FolderListing>()(
    "Lists the sub-folders of a folder on this machine (default: the user's home), and with dataFiles its data files, for choosing a model folder or a dataset where no native dialog exists.",
    v.strictObject({ path: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))), dataFiles: v.optional(v.boolean()) }),
  ),
  'models.inspect': method<ModelInspection>()(
    'Reads a Hugging Face model folder without adding it: architecture, size, dtype, layers, context length, the modules it can adapt, trainable counts, and estimated training memory at a batch, sequence length and choice of targets.',
    v.strictObject({
      path: v.pipe(v.string(), v.minLength(1)),
      batch: v.optional(positive(512)),
      seqLen: v.optional(positive(131_072)),
      targets: v.optional(v.pipe(v.array(v.string()), v.minLength(1, 'Choose at least one module to adapt.'))),
    }),
  ),
  'datasets.check': method<DatasetCheck>()(
    "A data file's pre-flight report (format, bad rows with their lines, token lengths against the max length with a model, duplicates) and a preview of its first rows as training sees them, without adding it to the library.",
    v.strictObject({
      path: v.pipe(v.string(), v.minLength(1)),
      readOptions: v.optional(datasetReadOptionsSchema),
      /** A library model: its tokenizer gives token lengths, its chat template the rendering. */
      modelId: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
      /** Default: the trainer's. */
      maxLength: v.optional(positive(131_072)),
    }),
  ),
  'settings.preferences': method<Preferences>()('The training device and threads new runs default to, and the theme.', v.strictObject({})),
  'settings.setPreferences': method<Preferences>()(
    'Changes the given preferences; they apply to runs started afterwards (a run\'s own settings win).',
    v.strictObject({
      device: v.optional(v.picklist(['auto', 'cpu', 'cuda'])),
      threads: v.optional(v.nullable(positive(1024))),
      theme: v.optional(v.picklist(['system', 'light', 'dark'])),
    }),
  ),
} as const;
