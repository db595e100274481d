/**
 * One onnxruntime session of the generation graph (generation-graph.ts) and the KV caches it
 * reads and returns. Base and adapted runs share it: only the adapter vector fed differs.
 *
 * Dims: P cached tokens, T new tokens, KV key/value heads, Dh head dim, V vocab, A adapter parameters.
 *
 * A cache crosses to the session worker by transfer, not copy, and comes back as the graph's
 * present outputs (also transferred): per step, onnxruntime's Concat and its output copy are
 * the only passes over the cache besides attention itself.
 */
import type { AdapterLayout } from '../models/adapter-layout';
import type { HfModel } from '../models/hf-model';
import { graphFileName, writeGraphFile } from '../onnx/graph-file';
import { serializeModel } from '../onnx/serialize';
import { EngineSession, type DeviceChoice, type EngineSessionOptions, type Feeds } from '../onnx/session';
import { buildGenerationGraph, GENERATION_INPUTS, GENERATION_LOGITS, pastName, presentName } from './generation-graph';

/** The cache after P tokens: per layer, key and value [1, KV, P, Dh] (the graph's present outputs). */
export interface KvCache {
  /** P */
  readonly length: number;
  readonly layers: readonly { readonly key: Float32Array; readonly value: Float32Array }[];
}

export interface GenerationSessionOptions {
  device?: DeviceChoice;
  /** onnxruntime intra-op threads; default one per physical core. */
  threads?: number;
  /** Most prompt tokens per run (default DEFAULT_PREFILL_CHUNK); fewer once the cache is long (prefillChunkAt). */
  prefillChunk?: number;
  /** Let onnxruntime prepack weights (a packed copy of every weight; default false, as in training). */
  prepacking?: boolean;
}

export const DEFAULT_PREFILL_CHUNK = 256;

/** Bytes one layer's attention scores [H, T, P+T] (float32) may take during a prefill. */
export const PREFILL_SCORES_BYTES = 64 * 2 ** 20;

/**
 * Prompt tokens for the next run after `past` cached ones: up to `maxChunk`, fewer when the
 * scores [H, T, P+T] would pass PREFILL_SCORES_BYTES, never fewer than one. Chunks cost little:
 * each reads the cache once, and the weights once per chunk instead of once per prompt.
 */
export function prefillChunkAt(past: number, heads: number, maxChunk: number): number {
  const fits = Math.floor(PREFILL_SCORES_BYTES / (4 * heads * (past + maxChunk)));
  return Math.max(1, Math.min(maxChunk, fits));
}

export function generationSessionOptions(options: GenerationSessionOptions): EngineSessionOptions {
  return {
    device: options.device ?? 'auto',
    ...(options.threads !== undefined && { intraOpNumThreads: options.threads }),
    // Every step has a new P: a memory pattern planned per shape would be planned anew each time.
    enableMemPattern: false,
    ...(!options.prepacking && { extra: { session: { disable_prepacking: '1' } } }),
  };
}

export class GenerationSession {
  private constructor(
    private readonly session: EngineSession,
    readonly layout: AdapterLayout,
    /** Positions the model was trained for (max_position_embeddings); the cache never grows past it. */
    readonly maxPositions: number,
    private readonly dims: { layers: number; heads: number; kvHeads: number; headDim: number },
    private readonly prefillChunk: number,
  ) {}

  /** Builds the graph for `layout`'s targets, writes it into the model folder and loads it. */
  static async open(model: Pick<HfModel, 'dir' | 'spec' | 'weights'>, layout: AdapterLayout, options: GenerationSessionOptions = {}): Promise<GenerationSession> {
    const { graph } = buildGenerationGraph(model, { targets: layout.targets });
    const bytes = serializeModel(graph);
    const path = await writeGraphFile(model.dir, graphFileName('generate', bytes), bytes);
    const session = await EngineSession.create(path, generationSessionOptions(options));
    const c = model.spec.config;
    const dims = { layers: c.numLayers, heads: c.numHeads, kvHeads: c.numKvHeads, headDim: c.headDim };
    return new GenerationSession(session, layout, c.maxPositionEmbeddings, dims, options.prefillChunk ?? DEFAULT_PREFILL_CHUNK);
  }

  get provider(): EngineSession['provider'] {
    return this.session.provider;
  }

  /** Why the session runs where it does (e.g. CUDA did not load); empty when nothing was skipped. */
  get notes(): readonly string[] {
    return this.session.notes;
  }

  emptyCache(): KvCache {
    return { length: 0, layers: Array.from({ length: this.dims.layers }, () => ({ key: new Float32Array(0), value: new Float32Array(0) })) };
  }

  /**
   * Runs `tokens` after the cached ones: the last token's logits [V] and the cache holding all of
   * them. `cache` is consumed (its arrays move to the worker); use the returned one from here on.
   */
  async extend(cache: KvCache, tokens: readonly number[], params: Float32Array): Promise<{ logits: Float32Array; cache: KvCache }> {
    if (tokens.length === 0) throw new RangeError('extend: no tokens to run');
    if (params.length !== this.layout.size) throw new RangeError(`adapter vector: the session takes ${this.layout.size} values, got ${params.length}`);
    if (cache.length + tokens.length > this.maxPositions) {
      throw new RangeError(`${cache.length + tokens.length} tokens exceed the model's context of ${this.maxPositions} positions`);
    }
    let state = cache;
    let logits: Float32Array | undefined;
    for (let start = 0; start < tokens.length; ) {
      const end = start + prefillChunkAt(state.length, this.dims.heads, this.prefillChunk);
      ({ logits, cache: state } = await this.#run(state, tokens.slice(start, end), params));
      start = end;
    }
    return { logits: logits!, cache: state };
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  async #run(cache: KvCache, tokens: readonly number[], params: Float32Array): Promise<{ logits: Float32Array; cache: KvCache }> {
    const { kvHeads: KV, headDim: Dh } = this.dims;
    const pastDims = [1, KV, cache.length, Dh];
    const feeds: Feeds = {
      [GENERATION_INPUTS.inputIds]: { type: 'int64', data: BigInt64Array.from(tokens, (t) => BigInt(t)), dims: [1, tokens.length] },
      // A copy, since the feeds' buffers are moved and the caller keeps its vector for the next step.
      [GENERATION_INPUTS.adapterParams]: { type: 'float32', data: params.slice(), dims: [params.length] },
    };
    cache.layers.forEach((kv, l) => {
      feeds[pastName(l, 'key')] = { type: 'float32', data: kv.key, dims: pastDims };
      feeds[pastName(l, 'value')] = { type: 'float32', data: kv.value, dims: pastDims };
    });
    const out = await this.session.run(feeds, { transferInputs: true });
    const tensor = (name: string): Float32Array => {
      const t = out[name];
      if (!t || !(t.data instanceof Float32Array)) throw new Error(`the generation graph returned no float32 '${name}'`);
      return t.data;
    };
    const layers = cache.layers.map((_, l) => ({ key: tensor(presentName(l, 'key')), value: tensor(presentName(l, 'value')) }));
    return { logits: tensor(GENERATION_LOGITS), cache: { length: cache.length + tokens.length, layers } };
  }
}
