/**
 * The session worker: owns onnxruntime sessions on a worker thread, because session.run
 * blocks its JS thread for the whole run (notes/onnxruntime-node.md, "Threads").
 * Started by ./session.ts, which also explains how this file is found in dev, tests and the build.
 * Protocol: ./session-protocol.ts. Requests are answered in the order their work finishes.
 */
import { parentPort, type MessagePort, type TransferListItem } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { probeExecutionProviders, quietNativeLogging, type ExecutionProvider } from './providers';
import type { Feeds, SerializedError, SessionCreateOptions, SessionInfo, WorkerRequest, WorkerResponse } from './session-protocol';

const port: MessagePort = parentPort ?? fail('session-worker must be started as a worker thread (see session.ts)');
quietNativeLogging();

const sessions = new Map<number, ort.InferenceSession>();
let nextSessionId = 1;

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    ({ result, transfer }) => reply({ id: request.id, ok: true, result }, transfer),
    (error: unknown) => reply({ id: request.id, ok: false, error: serializeError(error) }, []),
  );
});

function reply(response: WorkerResponse, transfer: TransferListItem[]): void {
  port.postMessage(response, transfer);
}

async function handle(request: WorkerRequest): Promise<{ result: SessionInfo | Feeds | null; transfer: TransferListItem[] }> {
  switch (request.kind) {
    case 'create': {
      const { session, provider, notes } = await createSession(request.model, request.options);
      const sessionId = nextSessionId++;
      sessions.set(sessionId, session);
      const info: SessionInfo = { sessionId, provider, notes, inputNames: [...session.inputNames], outputNames: [...session.outputNames] };
      return { result: info, transfer: [] };
    }
    case 'run': {
      const session = sessionById(request.sessionId);
      const feeds = toOrtFeeds(request.feeds);
      const outputs = request.fetches ? await session.run(feeds, request.fetches) : await session.run(feeds);
      return fromOrtOutputs(outputs);
    }
    case 'release': {
      const session = sessionById(request.sessionId);
      sessions.delete(request.sessionId);
      await session.release();
      return { result: null, transfer: [] };
    }
  }
}

function sessionById(sessionId: number): ort.InferenceSession {
  const session = sessions.get(sessionId);
  if (!session) throw new Error(`session ${sessionId} does not exist in this worker (already released?)`);
  return session;
}

/**
 * Chooses the provider and creates the session. With 'auto', CUDA is used only when the probe
 * found its provider; if creating this model with CUDA still fails, we retry on the CPU and
 * say so in `notes` (never silently). 'cuda' fails instead of falling back.
 */
async function createSession(
  model: string | Uint8Array,
  options: SessionCreateOptions,
): Promise<{ session: ort.InferenceSession; provider: ExecutionProvider; notes: string[] }> {
  // Everything but the device choice is an onnxruntime session option under its own name.
  const { device = 'auto', deviceId, ...base } = options;
  const create = (provider: ort.InferenceSession.ExecutionProviderConfig): Promise<ort.InferenceSession> => {
    const sessionOptions = { ...base, executionProviders: [provider] };
    return typeof model === 'string' ? ort.InferenceSession.create(model, sessionOptions) : ort.InferenceSession.create(model, sessionOptions);
  };
  const onCpu = (): Promise<ort.InferenceSession> => create('cpu');
  if (device === 'cpu') return { session: await onCpu(), provider: 'cpu', notes: [] };

  const probe = await probeExecutionProviders();
  if (!probe.available.includes('cuda')) {
    if (device === 'cuda') throw new Error(`CUDA was requested but is not available here. ${probe.notes.join(' ')}`);
    return { session: await onCpu(), provider: 'cpu', notes: probe.notes };
  }
  try {
    const session = await create({ name: 'cuda', ...(deviceId !== undefined && { deviceId }) });
    return { session, provider: 'cuda', notes: [] };
  } catch (error) {
    if (device === 'cuda') throw error;
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return { session: await onCpu(), provider: 'cpu', notes: [`CUDA: creating this session failed (${reason}); it runs on the CPU instead.`] };
  }
}

function toOrtFeeds(feeds: Feeds): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  // The union of data arrays matches the union of types pairwise; the constructor's overloads cannot see that.
  for (const [name, t] of Object.entries(feeds)) out[name] = new ort.Tensor(t.type, t.data as Float32Array, t.dims);
  return out;
}

/** Outputs as plain data, their buffers transferred (moved, not copied) to the caller's thread. */
function fromOrtOutputs(outputs: ort.InferenceSession.OnnxValueMapType): { result: Feeds; transfer: TransferListItem[] } {
  const result: Feeds = {};
  const transfer = new Set<ArrayBuffer>();
  for (const [name, value] of Object.entries(outputs)) {
    const data = value.data as Feeds[string]['data'];
    result[name] = { type: value.type as Feeds[string]['type'], data, dims: [...value.dims] };
    if (data.buffer instanceof ArrayBuffer) transfer.add(data.buffer);
  }
  return { result, transfer: [...transfer] };
}

function fail(message: string): never {
  throw new Error(message);
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error), stack: undefined };
}
