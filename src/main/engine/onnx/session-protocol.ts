/**
 * Messages between EngineSession (./session.ts, any thread) and the session worker
 * (./session-worker.ts). Types only: both sides import it with `import type`.
 */
import type { ExecutionProvider } from './providers';

/** 'auto' = CUDA when its provider loads, else CPU (and say why); 'cuda' fails instead of falling back. */
export type DeviceChoice = 'auto' | 'cpu' | 'cuda';

/** The device choice plus the onnxruntime session options we pass through, under onnxruntime's names. */
export interface SessionCreateOptions {
  device?: DeviceChoice;
  /** Threads inside one op (MatMul, Gemm). Default: onnxruntime's choice, one per physical core. */
  intraOpNumThreads?: number;
  /**
   * onnxruntime's memory pattern: with static shapes it plans one block for the whole run. Default true.
   * Off, the arena serves each tensor as it comes: on the 6-layer HyperAdapt stack of
   * bench/engine.bench.ts that took peak RSS from 1.1 GiB to 0.8 GiB at the same speed.
   */
  enableMemPattern?: boolean;
  /** onnxruntime's CPU arena allocator (keeps freed blocks for reuse). Default true. */
  enableCpuMemArena?: boolean;
  /** CUDA device index. */
  deviceId?: number;
  /** Session config entries, values as strings, e.g. { session: { disable_prepacking: '1' } }. */
  extra?: Record<string, Record<string, string>>;
}

/** onnxruntime tensor element types that can cross the Node boundary (bfloat16 cannot: cast inside the graph). */
export type TensorElementType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool';

/** A tensor as plain data: float16 as Uint16Array bits, int64 as BigInt64Array, bool as Uint8Array. */
export interface TensorData {
  type: TensorElementType;
  data: Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
  dims: readonly number[];
}

export type Feeds = Record<string, TensorData>;

export interface SessionInfo {
  sessionId: number;
  provider: ExecutionProvider;
  /** Why this provider: every fallback or unavailable provider, in words. Empty when nothing was skipped. */
  notes: string[];
  inputNames: string[];
  outputNames: string[];
}

export type WorkerRequest =
  | { id: number; kind: 'create'; model: string | Uint8Array; options: SessionCreateOptions }
  | { id: number; kind: 'run'; sessionId: number; feeds: Feeds; fetches: string[] | undefined }
  | { id: number; kind: 'release'; sessionId: number };

export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
}

export type WorkerResponse =
  | { id: number; ok: true; result: SessionInfo | Feeds | null }
  | { id: number; ok: false; error: SerializedError };
