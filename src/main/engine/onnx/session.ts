/**
 * onnxruntime sessions that never block the caller's event loop.
 *
 * session.run blocks its JS thread for the whole run, so sessions live in a worker thread
 * (./session-worker.ts) and this module is the caller's handle on them. Provider choice:
 * CUDA when its provider loads, else CPU, with the reason in `notes` (see the worker).
 *
 *   const s = await EngineSession.create(modelPath, { device: 'auto', intraOpNumThreads: 2 });
 *   const { loss } = await s.run({ ids: { type: 'int64', data: ids, dims: [B, T] } });
 *   await s.release();
 */
import { Worker, type TransferListItem } from 'node:worker_threads';
import { locateWorker } from '../../workers/locate-worker';
import type { ExecutionProvider } from './providers';
import type { Feeds, SessionCreateOptions, SessionInfo, TensorData, WorkerRequest, WorkerResponse } from './session-protocol';

export type { DeviceChoice, Feeds, SessionCreateOptions, TensorData, TensorElementType } from './session-protocol';

/** An error raised in the worker (onnxruntime's message kept verbatim), or the worker's own death. */
export class SessionError extends Error {
  override name = 'SessionError';
  constructor(
    readonly operation: WorkerRequest['kind'] | 'worker',
    message: string,
    /** Name and stack of the original error inside the worker, when there was one. */
    readonly workerError?: { name: string; stack: string | undefined },
  ) {
    super(message);
  }
}

type Pending = { kind: WorkerRequest['kind']; resolve: (result: unknown) => void; reject: (error: Error) => void };
// Omit applied to each member of a union (plain Omit would merge the request kinds into one).
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type RequestBody = DistributiveOmit<WorkerRequest, 'id'>;

/**
 * One worker thread that can hold several sessions; their runs take turns. It keeps the process
 * alive only while a request is in flight, so an idle worker never stops a CLI from exiting.
 */
export class SessionWorker {
  #worker: Worker;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #exitError: SessionError | undefined;

  private constructor() {
    const { url, execArgv } = locateWorker(import.meta.url, './session-worker.ts', 'sessionWorker.js');
    this.#worker = new Worker(url, execArgv ? { execArgv } : {});
    this.#worker.unref();
    this.#worker.on('message', (response: WorkerResponse) => this.#settle(response));
    let crash: Error | undefined;
    this.#worker.on('error', (error) => (crash = error));
    this.#worker.on('exit', (code) => {
      const why = crash ? `: ${crash.message}` : '';
      this.#exitError = new SessionError('worker', `the session worker exited (code ${code})${why}`);
      for (const pending of this.#pending.values()) pending.reject(this.#exitError);
      this.#pending.clear();
    });
  }

  static start(): SessionWorker {
    return new SessionWorker();
  }

  /** True once the thread has exited (terminated or crashed); requests then fail at once. */
  get exited(): boolean {
    return this.#exitError !== undefined;
  }

  request<T>(body: RequestBody, transfer: TransferListItem[] = []): Promise<T> {
    if (this.#exitError) return Promise.reject(this.#exitError);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { kind: body.kind, resolve: resolve as (result: unknown) => void, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      try {
        this.#worker.postMessage({ ...body, id } as WorkerRequest, transfer);
      } catch (error) {
        // Nothing was sent (e.g. a detached buffer cannot be cloned): no answer will come.
        this.#forget(id);
        reject(error as Error);
      }
    });
  }

  /** Stops the thread; its sessions are gone with it. */
  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }

  #settle(response: WorkerResponse): void {
    const pending = this.#forget(response.id);
    if (!pending) return;
    if (response.ok) pending.resolve(response.result);
    else pending.reject(new SessionError(pending.kind, response.error.message, { name: response.error.name, stack: response.error.stack }));
  }

  /** Drops a request from the pending set; with none left, the idle worker stops holding the process open. */
  #forget(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
    return pending;
  }
}

let sharedWorker: SessionWorker | undefined;

/** The worker sessions use unless given one; restarted if it died. */
function defaultWorker(): SessionWorker {
  if (!sharedWorker || sharedWorker.exited) sharedWorker = SessionWorker.start();
  return sharedWorker;
}

export interface EngineSessionOptions extends SessionCreateOptions {
  /** Worker thread to host the session; default: one shared worker per process. */
  worker?: SessionWorker;
}

export interface RunOptions {
  /** Only these outputs (default: all). */
  fetches?: string[];
  /**
   * Move the inputs' buffers to the worker instead of copying them. The caller's arrays are
   * then detached (length 0): use for large inputs the caller does not need afterwards.
   */
  transferInputs?: boolean;
}

export class EngineSession {
  #released = false;

  private constructor(
    private readonly worker: SessionWorker,
    private readonly info: SessionInfo,
  ) {}

  /**
   * Loads a model. Give a path when the model has external data: its locations resolve
   * against the .onnx file's directory, and bytes have none.
   */
  static async create(model: string | Uint8Array, options: EngineSessionOptions = {}): Promise<EngineSession> {
    const { worker = defaultWorker(), ...createOptions } = options;
    const info = await worker.request<SessionInfo>({ kind: 'create', model, options: createOptions });
    return new EngineSession(worker, info);
  }

  /** The provider the session runs on. */
  get provider(): ExecutionProvider {
    return this.info.provider;
  }

  /** Why this provider, when another was wanted or skipped (e.g. CUDA did not load). Empty otherwise. */
  get notes(): readonly string[] {
    return this.info.notes;
  }

  get inputNames(): readonly string[] {
    return this.info.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.info.outputNames;
  }

  /** Runs the model; outputs arrive as typed arrays whose buffers were moved, not copied, from the worker. */
  async run(feeds: Feeds, options: RunOptions = {}): Promise<Feeds> {
    if (this.#released) throw new SessionError('run', 'this session was released');
    const { message, transfer } = options.transferInputs ? { message: feeds, transfer: buffersOf(feeds) } : { message: compactFeeds(feeds), transfer: [] };
    return this.worker.request<Feeds>({ kind: 'run', sessionId: this.info.sessionId, feeds: message, fetches: options.fetches }, transfer);
  }

  /** Frees the session in the worker. Safe to call twice. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.worker.request<null>({ kind: 'release', sessionId: this.info.sessionId });
  }
}

/**
 * The buffers to move with a run. Empty ones stay out: a DETACHED buffer is empty too, and Node
 * silently drops a message whose transfer list holds one (no error, no delivery: the run would
 * wait forever). Left to the structured clone, it throws "detached" at once instead.
 */
function buffersOf(feeds: Feeds): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { data } of Object.values(feeds)) {
    if (data.buffer instanceof ArrayBuffer && data.buffer.byteLength > 0) buffers.add(data.buffer);
  }
  return [...buffers];
}

/**
 * Structured clone copies a typed array's WHOLE underlying buffer, not just the view: a small
 * view into a large buffer would drag all of it along. Such views are sliced to their own bytes.
 */
function compactFeeds(feeds: Feeds): Feeds {
  const out: Feeds = {};
  for (const [name, tensor] of Object.entries(feeds)) {
    const { data } = tensor;
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    out[name] = whole ? tensor : ({ ...tensor, data: data.slice() } as TensorData);
  }
  return out;
}
