/**
 * `hyperadapt export`: writes an adapter as a merged Hugging Face folder, GGUF, ONNX, or the
 * adapter alone, verifies it against the in-app adapted model, and publishes it only if it passes.
 * Ctrl-C cancels cleanly: nothing is left at --out. Exports of library adapters are recorded
 * in the library's exports table, failed verifications included.
 */
import type { Command } from 'commander';
import type { GgufDtype } from '../../engine/export/gguf/tensor-plan';
import { GGUF_DTYPES } from '../../engine/export/gguf/tensor-plan';
import type { ExportProgress } from '../../engine/export/progress';
import { EXPORT_FORMATS, type ExportFormat, type ExportOutcome, runExport } from '../../engine/export/run-export';
import { ExportVerificationError } from '../../engine/export/verification';
import { dataDirectory } from '../../data-directory';
import { attemptOf, recordInLibrary } from '../export-record';
import { createOutput, type Output } from '../output';
import { oneOf } from '../parse';
import { formatBytes } from '../table';

interface ExportFlags {
  adapter: string;
  model?: string;
  format: ExportFormat;
  dtype?: GgufDtype;
  out: string;
  json?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export an adapter for other runtimes, verified against the in-app model before it is written')
    .requiredOption('--adapter <dir>', 'adapter folder (adapter_config.json names its base model)')
    .option('--model <dir>', 'base model folder, if it moved since training (its hashes must still match)')
    .requiredOption('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`, oneOf(EXPORT_FORMATS))
    .option('--dtype <dtype>', `GGUF tensor type: ${GGUF_DTYPES.join(', ')} (default f16)`, oneOf(GGUF_DTYPES))
    .requiredOption('--out <path>', 'a new folder to create (never overwritten)')
    .option('--json', 'print the result as one JSON object')
    .action(async (flags: ExportFlags) => {
      const out = createOutput(Boolean(flags.json));
      const controller = new AbortController();
      const cancel = (): void => controller.abort(new Error('export cancelled'));
      process.once('SIGINT', cancel);
      const progress = progressPrinter(out);
      try {
        const outcome = await runExport({
          adapterDir: flags.adapter,
          ...(flags.model && { modelDir: flags.model }),
          format: flags.format,
          ...(flags.dtype && { dtype: flags.dtype }),
          out: flags.out,
          signal: controller.signal,
          onProgress: progress.update,
        });
        progress.finish();
        const record = recordInLibrary(dataDirectory(), attemptOf(flags.adapter, outcome));
        out.result({ ...toJson(outcome), export_id: record?.id ?? null }, () => describe(outcome) + (record ? `\n  recorded in the library as export ${record.id}` : ''));
      } catch (error) {
        // A failed verification is recorded too, so the library shows what was tried and why it failed.
        if (error instanceof ExportVerificationError) {
          const format = flags.format === 'gguf' ? `gguf-${flags.dtype ?? 'f16'}` : flags.format;
          recordInLibrary(dataDirectory(), { adapterDir: flags.adapter, format, path: error.target, sizeBytes: null, verification: error.verification });
        }
        throw error;
      } finally {
        progress.finish();
        process.removeListener('SIGINT', cancel);
      }
    });
}

/** Phase changes as lines; on a terminal, the percentage redrawn in place. */
function progressPrinter(out: Output): { update: (p: ExportProgress) => void; finish: () => void } {
  let phase: string | null = null;
  const tty = !out.json && Boolean(process.stderr.isTTY);
  const endLine = (): void => {
    if (tty && phase !== null) process.stderr.write('\n');
  };
  return {
    update: (p) => {
      if (p.phase !== phase) {
        endLine();
        phase = p.phase;
        if (!tty) out.info(`${p.phase}…`);
      }
      if (tty) process.stderr.write(`\r${p.phase} ${p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100}% ${p.item}`.padEnd(80).slice(0, 100));
    },
    finish: () => {
      endLine();
      phase = null;
    },
  };
}

function toJson(o: ExportOutcome): Record<string, unknown> {
  const a = o.verification.agreement;
  return {
    format: o.format,
    dtype: o.dtype,
    path: o.path,
    size_bytes: o.bytes,
    verified: o.verification.passed,
    runtime: o.verification.runtime,
    positions: a.positions,
    max_abs_diff: a.maxAbsDiff,
    max_rel_diff: a.maxRelDiff,
    top1_agreement: a.top1Agreement,
  };
}

function describe(o: ExportOutcome): string {
  const a = o.verification.agreement;
  return [
    `Exported ${o.format} (${o.dtype}) to ${o.path}, ${formatBytes(o.bytes)}`,
    `  verified in ${o.verification.runtime} on ${a.positions} probe positions:`,
    `  max abs diff ${a.maxAbsDiff.toExponential(2)}, max rel diff ${a.maxRelDiff.toExponential(2)}, top-1 agreement ${(100 * a.top1Agreement).toFixed(1)}%`,
  ].join('\n');
}
