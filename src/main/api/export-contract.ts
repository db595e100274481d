/**
 * Exports from the app: an adapter written as GGUF, a merged safetensors folder, ONNX or the
 * adapter alone, verified against the in-app model, with progress as events. Like contract.ts,
 * free of Node imports (the renderer typechecks it).
 */
import * as v from 'valibot';
import type { ExportRecord } from '../store/records';
import { method } from './method';

export const EXPORT_FORMAT_CHOICES = ['gguf', 'safetensors', 'onnx', 'adapter'] as const;
export type ExportFormatChoice = (typeof EXPORT_FORMAT_CHOICES)[number];
export const GGUF_DTYPE_CHOICES = ['f32', 'f16', 'bf16', 'q8_0'] as const;
export type GgufDtypeChoice = (typeof GGUF_DTYPE_CHOICES)[number];

/** reference: the in-app model runs the probe prompts; then the export is written, verified and published. */
export type ExportJobPhase = 'reference' | 'write' | 'verify' | 'publish';

export interface ExportVerificationView {
  /** The program that loaded the export to check it, e.g. llama.cpp. */
  runtime: string;
  /** Next-token positions compared. */
  positions: number;
  maxAbsDiff: number;
  maxRelDiff: number;
  /** 0..1: how often both picked the same most likely next token. */
  top1Agreement: number;
  /** The limits it was held to. */
  /** null where the check bounds no absolute difference. */
  toleranceMaxAbsDiff: number | null;
  toleranceTop1Agreement: number;
  passed: boolean;
  /** Why it failed; null when it passed. */
  problem: string | null;
}

export interface ExportJobResult {
  format: ExportFormatChoice;
  /** The stored type of the weights: the GGUF type, or the base model's dtype. */
  dtype: string;
  /** The folder written (for a failed verification: the folder that was not written). */
  path: string;
  /** null when nothing was written. */
  bytes: number | null;
  verification: ExportVerificationView;
  /** For a GGUF: the Ollama Modelfile written beside it. */
  modelfile: string | null;
}

export interface ExportStarted {
  /** Names this export in its exports.progress and exports.done events. */
  jobId: string;
}

export interface ExportProgressEvent {
  jobId: string;
  phase: ExportJobPhase;
  done: number;
  total: number;
  item: string;
}

export interface ExportDoneEvent {
  jobId: string;
  /** completed: written and verified; failed: refused or failed verification (nothing written); cancelled: by exports.cancel. */
  outcome: 'completed' | 'failed' | 'cancelled';
  /** Present whenever a verification ran, passed or not. */
  result: ExportJobResult | null;
  /** The library's record of it (verified or failed); null when no verification ran. */
  record: ExportRecord | null;
  message: string | null;
}

const id = v.pipe(v.number(), v.integer(), v.minValue(1));

export const exportMethods = {
  'exports.start': method<ExportStarted>()(
    'Exports an adapter with its base model to a new folder (never overwritten) and verifies it against the in-app model; progress comes as exports.progress events and the verdict as exports.done. The export is recorded in the library, a failed verification included.',
    v.pipe(
      v.strictObject({
        adapterId: id,
        format: v.picklist(EXPORT_FORMAT_CHOICES),
        dtype: v.optional(v.picklist(GGUF_DTYPE_CHOICES)),
        out: v.pipe(v.string(), v.trim(), v.minLength(1, 'Choose a destination folder.'), v.check((path) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path), 'The destination must be a full path (starting with / or a drive letter).')),
      }),
      v.check((input) => input.dtype === undefined || input.format === 'gguf', "A weight type applies to GGUF only; the other formats keep the base model's."),
    ),
  ),
  'exports.cancel': method<{ cancelled: boolean }>()(
    'Cancels an export; nothing is left at its destination. false when it had already ended.',
    v.strictObject({ jobId: v.pipe(v.string(), v.minLength(1)) }),
  ),
} as const;

export interface ExportEvents {
  'exports.progress': ExportProgressEvent;
  'exports.done': ExportDoneEvent;
}
