/**
 * Records a CLI export in the library's exports table when its adapter is one of the library's
 * (matched by folder); an adapter folder from elsewhere has no row to hang the export on, and a
 * machine that never opened the app has no library, which this does not create. Opens the
 * database alone, not the run manager: recording a row must not touch runs another process owns.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExportOutcome } from '../engine/export/run-export';
import type { Verification } from '../engine/export/verification';
import { listAdapters } from '../store/adapters';
import { recordExport } from '../store/exports';
import { DATABASE_FILE, Library } from '../store/library';
import type { ExportRecord } from '../store/records';

export interface ExportAttempt {
  readonly adapterDir: string;
  /** "safetensors", "gguf-q8_0", ... */
  readonly format: string;
  readonly path: string;
  /** null when the export failed and nothing was written. */
  readonly sizeBytes: number | null;
  readonly verification: Verification;
}

export function recordInLibrary(dataDirectory: string, attempt: ExportAttempt): ExportRecord | null {
  if (!existsSync(join(dataDirectory, DATABASE_FILE))) return null;
  const library = Library.open(dataDirectory);
  try {
    const adapter = listAdapters(library).find((a) => resolve(a.path) === resolve(attempt.adapterDir));
    if (!adapter) return null;
    return recordExport(library, {
      adapterId: adapter.id,
      modelId: adapter.modelId,
      format: attempt.format,
      path: attempt.path,
      sizeBytes: attempt.sizeBytes,
      verified: attempt.verification.passed,
      verification: describeVerification(attempt.verification),
    });
  } finally {
    library.close();
  }
}

export function attemptOf(adapterDir: string, outcome: ExportOutcome): ExportAttempt {
  const format = outcome.format === 'gguf' ? `gguf-${outcome.dtype}` : outcome.format;
  return { adapterDir, format, path: outcome.path, sizeBytes: outcome.bytes, verification: outcome.verification };
}

/** The figures as one JSON string (the column is text), with snake_case keys as the CLI prints them. */
function describeVerification(v: Verification): string {
  const a = v.agreement;
  return JSON.stringify({ runtime: v.runtime, positions: a.positions, max_abs_diff: a.maxAbsDiff, max_rel_diff: a.maxRelDiff, top1_agreement: a.top1Agreement, problem: v.problem });
}
