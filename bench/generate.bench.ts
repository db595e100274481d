/**
 * Generation benchmark (issue 8). Run: npm run bench:generate  (tsx bench/generate.bench.ts)
 *
 * Models, generated under .bench/generate (gitignored) by the tiny-model generator, F32:
 *   tiny         llama, hidden 64, 2 layers, 4 heads, 2 KV heads, vocab 512 (the generator's defaults)
 *   hidden-512   llama, hidden 512, 8 layers, 8 heads, 4 KV heads, intermediate 1536, vocab 512
 * For each, in a child process of its own, through GenerationSession and Generation (greedy, what
 * `hyperadapt generate` runs):
 *   - decode tokens/s after a 32-token prompt, from the median step and from the fastest one;
 *   - decode cost per token (the fastest step, as other load only adds to it) after prompts of
 *     64 to 1536 tokens, and its slope against the prompt
 *     length. With the cache, a step reads the cached keys and values (attention) and nothing
 *     else grows with the prompt: the slope is compared with the bytes of cache per token, and
 *     with the prefill's cost per prompt token, which is what a step would cost per context
 *     token if it recomputed the sequence instead;
 *   - hidden-512 only: the same decode step in the symbolic-shape graph (what ships) and in the
 *     graph with T and P pinned to numbers (static shapes), and with onnxruntime's prepacking on.
 * Rounds are interleaved and each figure keeps its best (other load only slows a run down).
 * Progress goes to stderr; the run ends with one JSON line of the figures on stdout.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Generation } from '../src/main/engine/generate/generation';
import { buildGenerationGraph, GENERATION_INPUTS, pastName } from '../src/main/engine/generate/generation-graph';
import { GenerationSession, generationSessionOptions, type GenerationSessionOptions } from '../src/main/engine/generate/generation-session';
import { GREEDY } from '../src/main/engine/generate/sampling';
import { adapterLayout, identityAdapterVector } from '../src/main/engine/models/adapter-layout';
import { type HfModel, loadHfModel } from '../src/main/engine/models/hf-model';
import { generateTinyModel, type TinyModelOptions } from '../src/main/engine/models/tiny-model';
import { graphFileName, writeGraphFile } from '../src/main/engine/onnx/graph-file';
import { serializeModel } from '../src/main/engine/onnx/serialize';
import { EngineSession, type Feeds } from '../src/main/engine/onnx/session';
import { Random } from '../src/main/engine/random';
import { type Figures, childTask, inChild, report } from './measure';

const THREADS = 2;
const DIR = resolve('.bench/generate'); // gitignored
const ROUNDS = 3;
const MODELS: Record<string, Omit<TinyModelOptions, 'out'>> = {
  tiny: { arch: 'llama', seed: 1 },
  'hidden-512': { arch: 'llama', hidden: 512, layers: 8, heads: 8, kvHeads: 4, intermediate: 1536, seed: 1 },
};
const DECODE = { prompt: 32, tokens: 48 };
const SLOPE = { prompts: [64, 256, 512, 1024, 1536], tokens: 25 };
const PINNED = { past: 512, runs: 20 };

const sessionOptions: GenerationSessionOptions = { device: 'cpu', threads: THREADS };

async function ensureModel(name: string): Promise<string> {
  const dir = join(DIR, name);
  const ready = await stat(join(dir, 'generation_config.json')).then(
    () => true,
    () => false,
  );
  if (!ready) await generateTinyModel({ ...MODELS[name]!, out: dir });
  return dir;
}

function promptOf(model: HfModel, length: number): number[] {
  const random = new Random(length);
  return Array.from({ length }, () => random.int(model.tokenizer.size));
}

/**
 * Greedy generation of `tokens` tokens after a prompt of `promptLength`: each decode step timed
 * (sampling and the session run), its fastest and median times, and the prefill's time.
 */
async function generateTimed(session: GenerationSession, model: HfModel, promptLength: number, tokens: number): Promise<{ fastest: number; median: number; prefill: number }> {
  const params = identityAdapterVector(session.layout);
  const generation = await Generation.start(session, promptOf(model, promptLength), params, { maxNewTokens: tokens, sampling: GREEDY, eosTokenIds: [], detokenize: () => '' });
  const steps: number[] = [];
  while (!generation.done) {
    const started = performance.now();
    await generation.step();
    steps.push(performance.now() - started);
  }
  steps.pop(); // the last step runs nothing: generation ends at its token
  steps.sort((a, b) => a - b);
  return { fastest: steps[0]!, median: steps[Math.floor(steps.length / 2)]!, prefill: generation.result.prefillMs };
}

/** Child: decode speed and its growth with the prompt, for one model. */
async function measureModel(name: string, prepacking = false): Promise<Figures> {
  const model = await loadHfModel(await ensureModel(name));
  const session = await GenerationSession.open(model, adapterLayout(model.spec), { ...sessionOptions, prepacking });
  try {
    await generateTimed(session, model, 8, 4); // warm-up: the first runs allocate
    const decode = await generateTimed(session, model, DECODE.prompt, DECODE.tokens);
    const figures: Figures = { decode_tokens_per_s: 1000 / decode.median, fastest_decode_tokens_per_s: 1000 / decode.fastest };
    if (prepacking) return figures;
    for (const length of SLOPE.prompts) {
      const at = await generateTimed(session, model, length, SLOPE.tokens);
      figures[`decode_ms_at_${length}`] = at.fastest;
      figures[`prefill_ms_at_${length}`] = at.prefill;
    }
    return figures;
  } finally {
    await session.release();
  }
}

/**
 * Child: one decode step after PINNED.past tokens, in the symbolic graph and in the static one,
 * both sessions loaded and their runs alternating, so that other load falls on both alike.
 */
async function measurePinned(name: string): Promise<Figures> {
  const model = await loadHfModel(await ensureModel(name));
  const layout = adapterLayout(model.spec);
  const variants = { symbolic: undefined, static: { tokens: 1, past: PINNED.past } };
  const sessions: [string, EngineSession][] = [];
  for (const [label, pinned] of Object.entries(variants)) {
    const bytes = serializeModel(buildGenerationGraph(model, { targets: layout.targets, ...(pinned && { pinned }) }).graph);
    sessions.push([label, await EngineSession.create(await writeGraphFile(model.dir, graphFileName(`bench-${label}`, bytes), bytes), generationSessionOptions(sessionOptions))]);
  }
  const { numKvHeads: KV, headDim: Dh, numLayers: L } = model.config;
  const random = new Random(1);
  const past = Float32Array.from({ length: KV * PINNED.past * Dh }, () => random.normal());
  const params = identityAdapterVector(layout);
  const feeds = (): Feeds => {
    const f: Feeds = {
      [GENERATION_INPUTS.inputIds]: { type: 'int64', data: BigInt64Array.of(5n), dims: [1, 1] },
      [GENERATION_INPUTS.adapterParams]: { type: 'float32', data: params.slice(), dims: [params.length] },
    };
    for (let l = 0; l < L; l++) {
      for (const which of ['key', 'value'] as const) f[pastName(l, which)] = { type: 'float32', data: past.slice(), dims: [1, KV, PINNED.past, Dh] };
    }
    return f;
  };
  const fastest: Figures = {};
  for (let i = 0; i < PINNED.runs + 2; i++) {
    for (const [label, session] of sessions) {
      const input = feeds(); // built before the clock starts; moved, not copied, by the run
      const started = performance.now();
      await session.run(input, { transferInputs: true });
      const ms = performance.now() - started;
      if (i >= 2) fastest[`${label}_step_ms`] = Math.min(ms, fastest[`${label}_step_ms`] ?? Infinity); // the first runs allocate
    }
  }
  for (const [, session] of sessions) await session.release();
  return fastest;
}

async function child(task: string): Promise<void> {
  const [kind, name] = task.split(':') as [string, string];
  if (kind === 'model') report(await measureModel(name));
  else if (kind === 'prepacked') report(await measureModel(name, true));
  else report(await measurePinned(name));
}

/** Least-squares line through (x, y): slope and intercept. */
function fitLine(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** Keeps the better of two figure sets, figure by figure: the larger rate, the smaller time. */
function best(kept: Figures | undefined, latest: Figures): Figures {
  if (!kept) return latest;
  const out: Figures = {};
  for (const [key, value] of Object.entries(latest)) out[key] = key.endsWith('_per_s') ? Math.max(value, kept[key]!) : Math.min(value, kept[key]!);
  return out;
}

async function main(): Promise<void> {
  const started = performance.now();
  await mkdir(DIR, { recursive: true });
  for (const name of Object.keys(MODELS)) await ensureModel(name);
  const tasks = [...Object.keys(MODELS).map((m) => `model:${m}`), 'prepacked:hidden-512', 'pinned:hidden-512'];
  const results: Record<string, Figures> = {};
  for (let r = 0; r < ROUNDS; r++) for (const task of tasks) results[task] = best(results[task], await inChild(import.meta.url, task));

  const summary: Record<string, unknown> = {};
  for (const name of Object.keys(MODELS)) {
    const f = results[`model:${name}`]!;
    const c = (await loadHfModel(join(DIR, name))).config;
    const decodeMs = SLOPE.prompts.map((p) => f[`decode_ms_at_${p}`]!);
    const prefillMs = SLOPE.prompts.map((p) => f[`prefill_ms_at_${p}`]!);
    const decodeFit = fitLine(SLOPE.prompts, decodeMs);
    const recomputeFit = fitLine(SLOPE.prompts, prefillMs); // ms per prompt token: a step's cost per context token without a cache
    const cacheBytesPerToken = c.numLayers * 2 * c.numKvHeads * c.headDim * 4;
    const nsPerContextToken = decodeFit.slope * 1e6;
    summary[name] = {
      decode_tokens_per_s: round(f.decode_tokens_per_s!, 1),
      fastest_decode_tokens_per_s: round(f.fastest_decode_tokens_per_s!, 1),
      decode_ms_per_token: Object.fromEntries(SLOPE.prompts.map((p, i) => [p, round(decodeMs[i]!, 2)])),
      slope_us_per_context_token: round(decodeFit.slope * 1000, 3),
      intercept_ms: round(decodeFit.intercept, 2),
      cache_bytes_per_token: cacheBytesPerToken,
      // Bytes of cache a step gets through per ns of its slope: the passes over the cache it makes.
      slope_gb_per_s_of_cache: round(cacheBytesPerToken / nsPerContextToken, 2),
      recompute_us_per_context_token: round(recomputeFit.slope * 1000, 2),
      recompute_over_cached_slope: round(recomputeFit.slope / decodeFit.slope, 1),
    };
    console.error(
      `${name}: ${f.decode_tokens_per_s!.toFixed(1)} tokens/s after ${DECODE.prompt} prompt tokens; decode ms/token at ${SLOPE.prompts.join('/')} prompt tokens: ` +
        `${decodeMs.map((m) => m.toFixed(2)).join('/')}; slope ${(decodeFit.slope * 1000).toFixed(2)} us per context token ` +
        `(${cacheBytesPerToken} cache bytes each), recompute would cost ${(recomputeFit.slope * 1000).toFixed(1)} us per context token`,
    );
  }
  const pinned = results['pinned:hidden-512']!;
  const prepacked = results['prepacked:hidden-512']!;
  console.error(
    `hidden-512 decode step after ${PINNED.past} tokens: symbolic shapes ${pinned.symbolic_step_ms!.toFixed(2)} ms, static ${pinned.static_step_ms!.toFixed(2)} ms; ` +
      `prepacking on: ${prepacked.decode_tokens_per_s!.toFixed(1)} tokens/s`,
  );
  console.log(
    JSON.stringify({
      ...summary,
      'hidden-512_step_ms_after_512': { symbolic: round(pinned.symbolic_step_ms!, 2), static: round(pinned.static_step_ms!, 2) },
      'hidden-512_prepacked_decode_tokens_per_s': round(prepacked.decode_tokens_per_s!, 1),
      threads: THREADS,
      seconds: round((performance.now() - started) / 1000, 1),
    }),
  );
}

const task = childTask();
(task ? child(task) : main()).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
