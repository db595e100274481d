/**
 * One generation: the prompt's prefill, then one token per step: pick it from the last logits,
 * stream its text, and run it through the session for the next logits, until an end-of-sequence
 * token, a stop string, the token limit or the model's context ends it.
 *
 * Steps are explicit (step()), so several generations can take turns on one session: the base
 * and the adapted model side by side (compare.ts). stream() wraps them as events.
 */
import type { GenerationSession, KvCache } from './generation-session';
import { Sampler, type SamplingOptions } from './sampling';
import { StopStrings } from './stop-strings';
import { type Detokenize, TextStream } from './text-stream';

export interface GenerateOptions {
  /** Most tokens to generate (the end-of-sequence token included). */
  readonly maxNewTokens: number;
  readonly sampling: SamplingOptions;
  /** Tokens that end generation (the model's EOS ids: HfModel.eosTokenIds). */
  readonly eosTokenIds: readonly number[];
  /** Texts that end generation; the output is cut where the first one begins. */
  readonly stopStrings?: readonly string[];
  /** ids -> text for streaming (special tokens dropped: the caller's tokenizer decides). */
  readonly detokenize: Detokenize;
}

/** eos: an end-of-sequence token; stop: a stop string; length: maxNewTokens; context: the model's positions ran out. */
export type StopReason = 'eos' | 'stop' | 'length' | 'context';

export interface GenerationResult {
  /** Everything streamed, i.e. the output cut before any stop string. */
  readonly text: string;
  /** Every token picked, a final end-of-sequence token included (as transformers returns them). */
  readonly tokens: readonly number[];
  readonly reason: StopReason;
  readonly promptTokens: number;
  readonly prefillMs: number;
  /** Time spent in decode steps (session runs after the prefill). */
  readonly decodeMs: number;
  /** Decode steps run per second: one per token after the first. */
  readonly decodeTokensPerSecond: number;
}

/** What a generation needs from its session: a GenerationSession, or a scripted one in tests. */
export type StepSession = Pick<GenerationSession, 'emptyCache' | 'extend' | 'maxPositions'>;

export type GenerationEvent = { readonly type: 'token'; readonly token: number; readonly text: string } | { readonly type: 'end'; readonly result: GenerationResult };

export class Generation {
  readonly #tokens: number[] = [];
  readonly #context: number[];
  readonly #sampler: Sampler;
  readonly #text: TextStream;
  readonly #stops: StopStrings;
  #logits: Float32Array;
  #cache: KvCache;
  #emitted = '';
  #reason: StopReason | null = null;
  #decodeMs = 0;
  #decodeSteps = 0;

  private constructor(
    private readonly session: StepSession,
    private readonly params: Float32Array,
    private readonly options: GenerateOptions,
    prompt: readonly number[],
    first: { logits: Float32Array; cache: KvCache },
    private readonly prefillMs: number,
  ) {
    this.#context = [...prompt];
    this.#logits = first.logits;
    this.#cache = first.cache;
    this.#sampler = new Sampler(options.sampling);
    this.#text = new TextStream(options.detokenize);
    this.#stops = new StopStrings(options.stopStrings ?? []);
  }

  /** Runs the prompt through `session` with the adapter vector `params` (a = b = 1 for the base model). */
  static async start(session: StepSession, prompt: readonly number[], params: Float32Array, options: GenerateOptions): Promise<Generation> {
    if (prompt.length === 0) throw new RangeError('the prompt has no tokens');
    if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 1) throw new RangeError(`maxNewTokens must be a positive integer, got ${options.maxNewTokens}`);
    if (prompt.length >= session.maxPositions) {
      throw new RangeError(`the prompt has ${prompt.length} tokens; the model's context holds ${session.maxPositions} positions, leaving none to generate`);
    }
    const started = performance.now();
    const first = await session.extend(session.emptyCache(), prompt, params);
    return new Generation(session, params, options, prompt, first, performance.now() - started);
  }

  get done(): boolean {
    return this.#reason !== null;
  }

  /** Picks the next token, returns it with the text it completes, and runs it unless generation ends here. */
  async step(): Promise<{ token: number; text: string }> {
    if (this.#reason !== null) throw new Error(`generation already ended (${this.#reason})`);
    const token = this.#sampler.pick(this.#logits, this.#context);
    this.#tokens.push(token);
    this.#context.push(token);
    const eos = this.options.eosTokenIds.includes(token);
    const piece = this.#stops.push(eos ? this.#text.flush() : this.#text.push(token));
    let text = piece.emit;
    let reason: StopReason | null = piece.stopped ? 'stop' : eos ? 'eos' : this.#endsHere();
    if (reason !== null && reason !== 'stop') {
      // The end: what is still held (an incomplete character, a possible stop string's start) goes out.
      const rest = eos ? { emit: '', stopped: false } : this.#stops.push(this.#text.flush());
      text += rest.emit;
      if (rest.stopped) reason = 'stop';
      else text += this.#stops.flush();
    }
    this.#emitted += text;
    if (reason !== null) {
      this.#reason = reason;
      return { token, text };
    }
    const started = performance.now();
    ({ logits: this.#logits, cache: this.#cache } = await this.session.extend(this.#cache, [token], this.params));
    this.#decodeMs += performance.now() - started;
    this.#decodeSteps += 1;
    return { token, text };
  }

  /** 'length' or 'context' when no further token may follow, else null. */
  #endsHere(): StopReason | null {
    if (this.#tokens.length >= this.options.maxNewTokens) return 'length';
    if (this.#context.length >= this.session.maxPositions) return 'context';
    return null;
  }

  get result(): GenerationResult {
    if (this.#reason === null) throw new Error('generation has not ended yet');
    return {
      text: this.#emitted,
      tokens: [...this.#tokens],
      reason: this.#reason,
      promptTokens: this.#context.length - this.#tokens.length,
      prefillMs: this.prefillMs,
      decodeMs: this.#decodeMs,
      decodeTokensPerSecond: this.#decodeMs > 0 ? (this.#decodeSteps * 1000) / this.#decodeMs : 0,
    };
  }
}

/** Steps `generation` to its end as events: one per token, then the result. */
export async function* stream(generation: Generation): AsyncGenerator<GenerationEvent> {
  while (!generation.done) yield { type: 'token', ...(await generation.step()) };
  yield { type: 'end', result: generation.result };
}
