/**
 * The API contract: every method's name, input schema and output type, and every event's
 * payload type. Both transports (Electron IPC and the web shell) serve exactly this, and the
 * renderer imports it for types only. It must stay free of Node imports so the renderer's
 * typecheck can include it; the handlers that implement it live in ./handlers.ts, whose type
 * forces one handler per method declared here.
 */
import * as v from 'valibot';
import { libraryMethods, type LibraryEvents } from './library-contract';
import { method } from './method';
import { tryMethods, type TryEvents } from './try-contract';
import { exportMethods, type ExportEvents } from './export-contract';
import { wizardMethods } from './wizard-contract';
import { trainMethods } from './train-contract';
import { starterMethods } from './starter-contract';

export type { MethodSpec } from './method';
export type * from './library-contract';
export type * from './wizard-contract';
export type * from './try-contract';
export type * from './export-contract';
export type * from './train-contract';
export type * from './starter-contract';

export type ExecutionProviderName = 'cuda' | 'cpu';

export interface GpuInfo {
  name: string;
  /** Total device memory, or null where the driver does not say. */
  memoryBytes: number | null;
  driverVersion: string | null;
}

export interface SystemInfo {
  app: { name: string; version: string };
  runtime: { node: string; electron: string | null; onnxruntime: string; platform: string; arch: string; osRelease: string };
  executionProviders: { available: ExecutionProviderName[]; notes: string[] };
  cpu: { model: string; cores: number };
  memory: { totalBytes: number; freeBytes: number };
  gpus: GpuInfo[];
  /** Where the library keeps models, datasets, runs and exports. */
  dataDirectory: string;
}

export interface SystemUsage {
  /** Milliseconds since the Unix epoch when the sample was taken. */
  at: number;
  freeMemoryBytes: number;
  totalMemoryBytes: number;
  /** The app's own resident memory (the process serving the API, engine included). */
  processRssBytes: number;
  /** One-minute load average divided by the core count (0 on Windows, which has none). */
  cpuLoad: number;
}

export const methods = {
  'system.info': method<SystemInfo>()(
    'Versions, execution providers that load here, CPU, memory and GPUs.',
    v.strictObject({}),
  ),
  ...libraryMethods,
  ...wizardMethods,
  ...tryMethods,
  ...exportMethods,
  ...trainMethods,
  ...starterMethods,
} as const;

/** Event payloads pushed from the app to every connected window or browser tab. */
export interface ApiEvents extends LibraryEvents, TryEvents, ExportEvents {
  'system.usage': SystemUsage;
}

export type MethodName = keyof typeof methods;
export type MethodInput<M extends MethodName> = v.InferInput<(typeof methods)[M]['input']>;
export type MethodOutput<M extends MethodName> = NonNullable<(typeof methods)[M]['output']>;
export type EventName = keyof ApiEvents;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/**
 * What a failed call carries across either transport. Beyond the call itself (unknown_method,
 * invalid_input): not_found (an id not in the library, a path that is not there), conflict (in
 * use, busy, already running, a run in the wrong state), bad_request (input the schema could not
 * judge: a folder that is not a model, an unreadable data file, an adapter for another base
 * model), and internal for a bug. src/main/api/error-codes.ts decides which, by error type.
 */
export interface ApiErrorBody {
  code: 'unknown_method' | 'invalid_input' | 'not_found' | 'conflict' | 'bad_request' | 'internal';
  message: string;
  /** For invalid_input: one entry per problem, with the dotted path of the field. */
  issues?: { path: string; message: string }[];
}

export type CallResult<T> = { ok: true; result: T } | { ok: false; error: ApiErrorBody };

/** One event as it travels over a transport. */
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: ApiEvents[E];
}
