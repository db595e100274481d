/**
 * The API process's "Try it" comparisons. One opened generation (model, adapter and session) is
 * kept per adapter, so a second prompt starts at once; sessions run in a worker thread
 * (EngineSession), so this process keeps serving calls while tokens are produced. Comparisons
 * run one at a time: they would share one session and one CPU, and each would slow the other.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readAdapterConfig } from '../engine/adapters/adapter-files';
import { type BatchRecord, compareBatch } from '../engine/generate/batch';
import { compareStream } from '../engine/generate/compare';
import type { GenerationResult } from '../engine/generate/generation';
import { type OpenedGeneration, openGeneration } from '../engine/generate/open-generation';
import { detokenizer, encodePrompt, type Prompt } from '../engine/generate/prompt';
import { resolveSampling } from '../engine/generate/sampling';
import { getAdapter } from '../store/adapters';
import type { Library } from '../store/library';
import { getModel } from '../store/models';
import type { Preferences } from './wizard-contract';
import type { ApiEventBus } from './events';
import type { SavedValidation, TryPaneResult, TryStarted, ValidationResult } from './try-contract';
import { validationPrompts, ValidationRowsError } from '../engine/generate/validation-prompts';
import { BusyError } from '../request-errors';
import { readSavedValidation, VALIDATION_SAMPLES_FILE, validationSample } from './saved-validation';

export interface TryRequest {
  adapterId: number;
  prompt: string;
  maxNewTokens?: number | undefined;
  temperature?: number | undefined;
  seed?: number | undefined;
}

/** Tokens per pane when the request does not say: enough for a short answer, quick on a CPU. */
export const TRY_DEFAULT_MAX_NEW_TOKENS = 96;

export interface ValidationRequest {
  adapterId: number;
  requestId?: string | undefined;
  maxPrompts?: number | undefined;
  maxNewTokens?: number | undefined;
}

/** Rows and tokens per row when the request does not say: a table to read, quick on a CPU. */
export const VALIDATION_DEFAULT_MAX_PROMPTS = 8;
export const VALIDATION_DEFAULT_MAX_NEW_TOKENS = 48;

function paneResult(result: GenerationResult): TryPaneResult {
  return { text: result.text, reason: result.reason, tokens: result.tokens.length, promptTokens: result.promptTokens, tokensPerSecond: result.decodeTokensPerSecond };
}

export class TryService {
  /** Per adapter id: the generation opened for it, and which adapter files it was opened from. */
  readonly #opened = new Map<number, { key: string; pending: Promise<OpenedGeneration> }>();
  /** Comparisons and validation runs by request id, for try.cancel. */
  readonly #running = new Map<string, AbortController>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly library: Library,
    private readonly events: ApiEventBus,
    private readonly preferences: () => Pick<Preferences, 'device' | 'threads'>,
  ) {}

  /** Opens the adapter (lineage checked) before answering, so a wrong adapter fails the call itself. */
  async compare(request: TryRequest): Promise<TryStarted> {
    if (this.#closed) throw new BusyError('app', 'The app is shutting down.');
    const opened = await this.#open(request.adapterId);
    const requestId = randomUUID();
    const controller = new AbortController();
    this.#running.set(requestId, controller);
    const chat = opened.model.chatTemplate !== null;
    const prompt: Prompt = chat ? { messages: [{ role: 'user', content: request.prompt }] } : { text: request.prompt };
    // Encoding here makes a prompt the tokenizer refuses an error of the call, not of a later event.
    const ids = encodePrompt(opened.model, prompt);
    const run = this.#queue.then(() => this.#stream(requestId, opened, ids, request, controller.signal));
    this.#queue = run.catch(() => undefined);
    return { requestId, chat };
  }

  /**
   * The adapter's validation rows through both panes, greedy so the table is the same each time;
   * queued behind any comparison, since they share the session. try.cancel with its request id
   * stops it after the current row, and it answers with the rows done (not saved).
   */
  async validation(request: ValidationRequest): Promise<ValidationResult> {
    if (this.#closed) throw new BusyError('app', 'The app is shutting down.');
    const requestId = request.requestId ?? randomUUID();
    if (this.#running.has(requestId)) throw new BusyError('requestId', `A comparison with request id ${requestId} is already running; use another id.`);
    // Registered before anything is awaited, so a cancel sent while the adapter opens is not lost.
    const controller = new AbortController();
    this.#running.set(requestId, controller);
    try {
      return await this.#validate(request, requestId, controller.signal);
    } finally {
      this.#running.delete(requestId);
    }
  }

  /** The table saved by the last validation run that finished, or null when there is none. */
  async savedValidation(adapterId: number): Promise<SavedValidation | null> {
    const adapter = getAdapter(this.library, adapterId);
    const saved = await readSavedValidation(adapter.path);
    return saved && { adapterId, ...saved };
  }

  cancel(requestId: string): boolean {
    const controller = this.#running.get(requestId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Stops every comparison and releases every session (the app or web shell is closing). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const controller of this.#running.values()) controller.abort();
    await this.#queue;
    const opened = [...this.#opened.values()];
    this.#opened.clear();
    await Promise.all(opened.map(async ({ pending }) => (await pending.catch(() => null))?.session.release()));
  }

  /**
   * The cached generation of this adapter, checked against the adapter's current record: a
   * deleted adapter fails here, and a new one that reuses a deleted one's id gets its own session.
   */
  #open(adapterId: number): Promise<OpenedGeneration> {
    const adapter = getAdapter(this.library, adapterId);
    const key = `${adapter.path}\n${adapter.weightsSha256}`;
    const cached = this.#opened.get(adapterId);
    if (cached?.key === key) return cached.pending;
    if (cached) void cached.pending.then((stale) => stale.session.release()).catch(() => undefined);
    const model = getModel(this.library, adapter.modelId);
    const { device, threads } = this.preferences();
    const pending = openGeneration({ model: model.path, adapter: adapter.path, device, ...(threads === null ? {} : { threads }) });
    this.#opened.set(adapterId, { key, pending });
    // A failed open (a deleted folder, a lineage mismatch) is not cached: the next try reopens.
    pending.catch(() => {
      if (this.#opened.get(adapterId)?.pending === pending) this.#opened.delete(adapterId);
    });
    return pending;
  }

  async #validate(request: ValidationRequest, requestId: string, signal: AbortSignal): Promise<ValidationResult> {
    const { adapterId } = request;
    const adapter = getAdapter(this.library, adapterId);
    const opened = await this.#open(adapterId);
    const found = await validationPrompts(opened.model, await readAdapterConfig(adapter.path), adapter.path);
    if (found.prompts.length === 0) throw new ValidationRowsError(found.file, `${found.file}: the adapter's validation rows hold no conversation to prompt with (its data is plain text or tokens, or it had no validation split).`);
    const prompts = found.prompts.slice(0, request.maxPrompts ?? VALIDATION_DEFAULT_MAX_PROMPTS);
    const out = join(adapter.path, VALIDATION_SAMPLES_FILE);
    const { model } = opened;
    const options = {
      maxNewTokens: request.maxNewTokens ?? VALIDATION_DEFAULT_MAX_NEW_TOKENS,
      sampling: resolveSampling({ temperature: 0, seed: 0 }, model.generation),
      eosTokenIds: model.eosTokenIds,
      detokenize: detokenizer(model),
      encode: found.encode,
      signal,
      onRecord: (record: BatchRecord, index: number, total: number) =>
        this.events.emit('try.validationProgress', { adapterId, requestId, done: index + 1, total, sample: validationSample(record) }),
    };
    const run = this.#queue.then(() => compareBatch(opened.session, prompts, { base: opened.base, adapted: opened.adapted! }, out, options));
    this.#queue = run.then(() => undefined, () => undefined);
    const records = await run;
    const stoppedEarly = records.length < prompts.length;
    return { adapterId, requestId, source: found.file, out: stoppedEarly ? null : out, total: prompts.length, stoppedEarly, samples: records.map(validationSample) };
  }

  async #stream(requestId: string, opened: OpenedGeneration, ids: number[], request: TryRequest, signal: AbortSignal): Promise<void> {
    const { model } = opened;
    const sampling = resolveSampling({ ...(request.temperature !== undefined && { temperature: request.temperature }), seed: request.seed ?? 0 }, model.generation);
    const options = { maxNewTokens: request.maxNewTokens ?? TRY_DEFAULT_MAX_NEW_TOKENS, sampling, eosTokenIds: model.eosTokenIds, detokenize: detokenizer(model) };
    try {
      if (!signal.aborted) {
        for await (const event of compareStream(opened.session, ids, { base: opened.base, adapted: opened.adapted! }, options)) {
          if (event.type === 'token') this.events.emit('try.token', { requestId, pane: event.pane, text: event.text });
          else this.events.emit('try.done', { requestId, pane: event.pane, result: paneResult(event.result) });
          if (signal.aborted) break;
        }
      }
      this.events.emit('try.end', { requestId, outcome: signal.aborted ? 'cancelled' : 'completed', message: null });
    } catch (error) {
      this.events.emit('try.end', { requestId, outcome: 'failed', message: error instanceof Error ? error.message : String(error) });
    } finally {
      this.#running.delete(requestId);
    }
  }
}
