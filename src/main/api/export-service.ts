/**
 * The API process's exports. runExport is asynchronous throughout (file writes, the onnxruntime
 * and llama.cpp sessions), so an export runs beside the API's other calls instead of inside one:
 * exports.start answers at once and the export reports through events. Exports run one at a
 * time, since each holds a copy of the model and they would only slow each other down.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MODELFILE } from '../engine/export/gguf/modelfile';
import { type ExportOutcome, runExport } from '../engine/export/run-export';
import { ExportVerificationError, type Verification } from '../engine/export/verification';
import { BusyError } from '../request-errors';
import { getAdapter } from '../store/adapters';
import { recordExport } from '../store/exports';
import type { Library } from '../store/library';
import type { AdapterRecord, ExportRecord } from '../store/records';
import type { ApiEventBus } from './events';
import type { ExportFormatChoice, ExportJobResult, ExportStarted, ExportVerificationView, GgufDtypeChoice } from './export-contract';

export interface ExportJobRequest {
  adapterId: number;
  format: ExportFormatChoice;
  dtype?: GgufDtypeChoice | undefined;
  out: string;
}

function verificationView(v: Verification): ExportVerificationView {
  const a = v.agreement;
  return {
    runtime: v.runtime,
    positions: a.positions,
    maxAbsDiff: a.maxAbsDiff,
    maxRelDiff: a.maxRelDiff,
    top1Agreement: a.top1Agreement,
    toleranceMaxAbsDiff: v.tolerance.maxAbsDiff ?? null,
    toleranceTop1Agreement: v.tolerance.minTop1Agreement,
    passed: v.passed,
    problem: v.problem,
  };
}

/** The figures as the CLI stores them (one JSON text column, snake_case keys), so both read alike in the library. */
function storedVerification(v: Verification): string {
  const a = v.agreement;
  return JSON.stringify({ runtime: v.runtime, positions: a.positions, max_abs_diff: a.maxAbsDiff, max_rel_diff: a.maxRelDiff, top1_agreement: a.top1Agreement, problem: v.problem });
}

export class ExportService {
  readonly #running = new Map<string, AbortController>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly library: Library,
    private readonly events: ApiEventBus,
  ) {}

  start(request: ExportJobRequest): ExportStarted {
    if (this.#closed) throw new BusyError('app', 'The app is shutting down.');
    // A missing adapter is an error of the call, not of a later event.
    const adapter = getAdapter(this.library, request.adapterId);
    const jobId = randomUUID();
    const controller = new AbortController();
    this.#running.set(jobId, controller);
    const job = this.#queue.then(() => this.#run(jobId, adapter, request, controller.signal));
    this.#queue = job.catch(() => undefined);
    return { jobId };
  }

  cancel(jobId: string): boolean {
    const controller = this.#running.get(jobId);
    if (!controller) return false;
    controller.abort(new Error('export cancelled'));
    return true;
  }

  /** Cancels every export (each leaves nothing at its destination) and waits for them to stop. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const controller of this.#running.values()) controller.abort(new Error('export cancelled: the app is closing'));
    await this.#queue;
  }

  #record(adapter: AdapterRecord, format: string, path: string, sizeBytes: number | null, verification: Verification): ExportRecord {
    return recordExport(this.library, {
      adapterId: adapter.id,
      modelId: adapter.modelId,
      format,
      path,
      sizeBytes,
      verified: verification.passed,
      verification: storedVerification(verification),
    });
  }

  async #run(jobId: string, adapter: AdapterRecord, request: ExportJobRequest, signal: AbortSignal): Promise<void> {
    const format = request.format === 'gguf' ? `gguf-${request.dtype ?? 'f16'}` : request.format;
    try {
      signal.throwIfAborted();
      const outcome: ExportOutcome = await runExport({
        adapterDir: adapter.path,
        format: request.format,
        ...(request.dtype !== undefined && { dtype: request.dtype }),
        out: request.out,
        signal,
        onProgress: (p) => this.events.emit('exports.progress', { jobId, phase: p.phase, done: p.done, total: p.total, item: p.item }),
      });
      const record = this.#record(adapter, format, outcome.path, outcome.bytes, outcome.verification);
      const result: ExportJobResult = {
        format: request.format,
        dtype: outcome.dtype,
        path: outcome.path,
        bytes: outcome.bytes,
        verification: verificationView(outcome.verification),
        modelfile: request.format === 'gguf' ? join(outcome.path, MODELFILE) : null,
      };
      this.events.emit('exports.done', { jobId, outcome: 'completed', result, record, message: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof ExportVerificationError) {
        // Recorded like a success, so the library shows what was tried and why it failed.
        const record = this.#record(adapter, format, error.target, null, error.verification);
        const result: ExportJobResult = { format: request.format, dtype: request.dtype ?? '', path: error.target, bytes: null, verification: verificationView(error.verification), modelfile: null };
        this.events.emit('exports.done', { jobId, outcome: 'failed', result, record, message });
      } else {
        this.events.emit('exports.done', { jobId, outcome: signal.aborted ? 'cancelled' : 'failed', result: null, record: null, message: signal.aborted ? 'The export was cancelled; nothing was written.' : message });
      }
    } finally {
      this.#running.delete(jobId);
    }
  }
}
