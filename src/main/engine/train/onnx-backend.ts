/**
 * StepBackend on onnxruntime: one session per (length bucket, train or eval), static shapes, one
 * session.run per micro-batch. Sessions are made on first use and kept while their estimated
 * memory fits the budget; beyond it the least recently used one is released first.
 *
 * The graphs' frozen weights are external data into the model's .safetensors files, so the .onnx
 * files are written into the model folder (onnxruntime resolves external data relative to the
 * .onnx and refuses paths leading out of it), atomically, under a name that hashes the graph.
 *
 * Evaluation has graphs of its own (forward and loss only): onnxruntime runs every node of a
 * graph whatever outputs are fetched, so reading the loss of the training graph costs a backward.
 */
import { totalmem } from 'node:os';
import type { AdapterLayout } from '../models/adapter-layout';
import type { HfModel } from '../models/hf-model';
import { writeGraphFile } from '../onnx/graph-file';
import { probeExecutionProviders } from '../onnx/providers';
import { EngineSession, type EngineSessionOptions, type Feeds } from '../onnx/session';
import { IGNORE_INDEX } from './examples';
import { estimateTrainingMemory, type MemoryEstimate } from './memory-estimate';
import type { MicroBatch } from './micro-batch';
import type { BackendFactory, BackendSetup, TrainingBackend } from './run-training';
import { buildTrainingGraph, serializeTrainingGraph, TRAINING_INPUTS, TRAINING_OUTPUTS } from './training-graph';

/**
 * The session options training uses, as measured by bench/train.bench.ts (2 threads, Linux x64):
 * - prepacking off: onnxruntime prepacks each weight a MatMul reads, one more copy of the weights
 *   (hidden-512: +225 MiB peak on 229 MiB of weights) for steps about 4% faster;
 * - no memory pattern and no CPU arena: tensors are allocated as the run goes and returned when
 *   freed. With the arena, a session keeps its peak of activations between runs (every idle
 *   bucket session would hold one), and its fragmentation took the Qwen2.5-0.5B-shaped step from
 *   4.6 to 5.2 GB by the second step; with the memory pattern, the planned block came on top of
 *   what the arena kept. The price is page faults: hidden-512 steps 2-10% slower than with the
 *   arena (2.41 against 2.35 s in a quiet run).
 */
export function trainingSessionOptions(setup: Pick<OnnxBackendOptions, 'threads' | 'prepacking' | 'arena'>, device: 'cpu' | 'cuda'): EngineSessionOptions {
  return {
    device,
    ...(setup.threads !== undefined && { intraOpNumThreads: setup.threads }),
    enableMemPattern: false,
    enableCpuMemArena: setup.arena ?? false,
    ...(!setup.prepacking && { extra: { session: { disable_prepacking: '1' } } }),
  };
}

type Kind = 'train' | 'eval';

interface Held {
  session: Promise<EngineSession>;
  estimate: MemoryEstimate;
  lastUsed: number;
}

export interface OnnxBackendOptions extends BackendSetup {
  /** Bytes all sessions together may take by the estimate; default half the machine's memory. */
  memoryBudget?: number;
  /** Let onnxruntime prepack weights (default false, see trainingSessionOptions; for measurements). */
  prepacking?: boolean;
  /** Use onnxruntime's CPU arena (default false, see trainingSessionOptions; for measurements). */
  arena?: boolean;
}

export class OnnxTrainingBackend implements TrainingBackend {
  readonly #sessions = new Map<string, Held>();
  #clock = 0;

  private constructor(
    private readonly model: Pick<HfModel, 'dir' | 'spec' | 'weights'>,
    private readonly layout: AdapterLayout,
    private readonly options: OnnxBackendOptions,
    readonly device: 'cpu' | 'cuda',
  ) {}

  static async create(model: Pick<HfModel, 'dir' | 'spec' | 'weights'>, layout: AdapterLayout, options: OnnxBackendOptions): Promise<OnnxTrainingBackend> {
    return new OnnxTrainingBackend(model, layout, options, await resolveDevice(options.device));
  }

  /** `train:<T>` and `eval:<T>` of the sessions held now, least recently used first. */
  get openSessions(): string[] {
    return [...this.#sessions].sort((a, b) => a[1].lastUsed - b[1].lastUsed).map(([key]) => key);
  }

  async trainMicroBatch(batch: MicroBatch, params: Float32Array): Promise<{ lossSum: number; grad: Float32Array }> {
    const out = await this.#run('train', batch, params);
    return { lossSum: scalar(out, TRAINING_OUTPUTS.lossSum), grad: output(out, TRAINING_OUTPUTS.grad).data as Float32Array };
  }

  async evalMicroBatch(batch: MicroBatch, params: Float32Array): Promise<{ lossSum: number }> {
    return { lossSum: scalar(await this.#run('eval', batch, params), TRAINING_OUTPUTS.lossSum) };
  }

  async release(): Promise<void> {
    const held = [...this.#sessions.values()];
    this.#sessions.clear();
    // A session that failed to load has nothing to release.
    await Promise.all(held.map((h) => h.session.then((session) => session.release(), () => undefined)));
  }

  async #run(kind: Kind, batch: MicroBatch, params: Float32Array): Promise<Feeds> {
    const B = this.options.batchSize;
    if (batch.batchSize > B) throw new RangeError(`micro-batch of ${batch.batchSize} rows, the graphs take ${B}`);
    const session = await this.#session(kind, batch.seqLen);
    const out = await session.run(feedsOf(padRows(batch, B), params));
    // The graph counts what it learned from; a different count means the targets went astray.
    const counted = scalar(out, TRAINING_OUTPUTS.supervisedTokens);
    if (counted !== batch.supervisedTokens) throw new Error(`the graph counted ${counted} supervised targets, the batch has ${batch.supervisedTokens}`);
    return out;
  }

  async #session(kind: Kind, seqLen: number): Promise<EngineSession> {
    const key = `${kind}:${seqLen}`;
    const held = this.#sessions.get(key);
    if (held) {
      held.lastUsed = ++this.#clock;
      return held.session;
    }
    const estimate = estimateTrainingMemory(this.model.spec, {
      batch: this.options.batchSize,
      seqLen,
      storedDtype: storedDtypeOf(this.model),
      gradient: kind === 'train',
      targets: this.layout.targets,
      prepacking: this.options.prepacking ?? false,
    });
    await this.#makeRoom(estimate);
    const session = this.#open(kind, seqLen);
    this.#sessions.set(key, { session, estimate, lastUsed: ++this.#clock });
    session.catch(() => this.#sessions.delete(key)); // a failed load is retried next time, not cached
    return session;
  }

  /**
   * Releases least recently used sessions until one more fits the budget (one session always may).
   * Idle sessions keep what they loaded (private weights, graph); activations exist only in the
   * session that runs, one at a time, so the largest is counted once.
   */
  async #makeRoom(next: MemoryEstimate): Promise<void> {
    const budget = this.options.memoryBudget ?? totalmem() / 2;
    const needed = (): number => {
      const held = [...this.#sessions.values()].map((h) => h.estimate);
      return [...held, next].reduce((n, e) => n + e.residentBytes, 0) + Math.max(...[...held, next].map((e) => e.activationBytes));
    };
    while (this.#sessions.size > 0 && needed() > budget) {
      const [key, oldest] = [...this.#sessions].reduce((a, b) => (b[1].lastUsed < a[1].lastUsed ? b : a));
      this.#sessions.delete(key);
      await (await oldest.session).release();
    }
  }

  async #open(kind: Kind, seqLen: number): Promise<EngineSession> {
    const shape = { batch: this.options.batchSize, seqLen, targets: this.layout.targets };
    const built = buildTrainingGraph(this.model, { ...shape, gradient: kind === 'train' });
    if (built.layout.size !== this.layout.size) throw new Error(`the graph takes ${built.layout.size} adapter parameters, the run has ${this.layout.size}`);
    const { bytes, fileName } = serializeTrainingGraph(built, shape);
    const path = await writeGraphFile(this.model.dir, fileName, bytes);
    return EngineSession.create(path, trainingSessionOptions(this.options, this.device));
  }
}

export const createOnnxTrainingBackend: BackendFactory = (model, layout, setup) => OnnxTrainingBackend.create(model, layout, setup);

/**
 * 'auto' becomes CUDA when its provider loads here, else the CPU; sessions are then made for that
 * device only, so `device` is what they run on (a CUDA failure is an error, never a silent switch).
 */
async function resolveDevice(choice: BackendSetup['device']): Promise<'cpu' | 'cuda'> {
  if (choice !== 'auto') return choice;
  return (await probeExecutionProviders()).available.includes('cuda') ? 'cuda' : 'cpu';
}

/** The dtype the weights are stored in (the largest tensor's: the embedding). */
function storedDtypeOf(model: Pick<HfModel, 'spec' | 'weights'>): string {
  return model.weights.tensors.get(model.spec.embedTokens)?.info.dtype ?? 'F32';
}

/** The batch with all-padding rows appended up to B rows (the graphs' static batch). */
export function padRows(batch: MicroBatch, B: number): MicroBatch {
  if (batch.batchSize === B) return batch;
  const size = B * batch.seqLen;
  const grow = (a: BigInt64Array, fill: bigint): BigInt64Array => {
    const out = new BigInt64Array(size).fill(fill);
    out.set(a);
    return out;
  };
  return {
    ...batch,
    batchSize: B,
    inputIds: grow(batch.inputIds, 0n),
    targets: grow(batch.targets, BigInt(IGNORE_INDEX)),
    attentionMask: grow(batch.attentionMask, 0n),
    positionIds: grow(batch.positionIds, 0n),
  };
}

function feedsOf(batch: MicroBatch, params: Float32Array): Feeds {
  const dims = [batch.batchSize, batch.seqLen];
  return {
    [TRAINING_INPUTS.inputIds]: { type: 'int64', data: batch.inputIds, dims },
    [TRAINING_INPUTS.attentionMask]: { type: 'int64', data: batch.attentionMask, dims },
    [TRAINING_INPUTS.positionIds]: { type: 'int64', data: batch.positionIds, dims },
    [TRAINING_INPUTS.targets]: { type: 'int64', data: batch.targets, dims },
    [TRAINING_INPUTS.adapterParams]: { type: 'float32', data: params, dims: [params.length] },
  };
}

function output(out: Feeds, name: string): Feeds[string] {
  const t = out[name];
  if (!t) throw new Error(`the training graph returned no '${name}'`);
  return t;
}

function scalar(out: Feeds, name: string): number {
  return Number(output(out, name).data[0]);
}
