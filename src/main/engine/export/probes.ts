/**
 * The fixed probes every export is checked on. Each probe is a prompt plus the in-app adapted
 * model's greedy continuation; an exported model is then fed the same tokens (teacher forcing),
 * so both are compared at the same positions even where their top-1 choices part.
 */
import { argmax } from '../generate/sampling';
import type { GenerationSession } from '../generate/generation-session';
import { encodePrompt, type Prompt } from '../generate/prompt';
import type { HfModel } from '../models/hf-model';
import { LogitAgreementMeter, type LogitAgreement } from './logit-agreement';
import type { ExportControl } from './progress';

export const PROBE_PROMPTS: readonly Prompt[] = [
  { text: 'The capital of France is' },
  { text: 'Once upon a time, in a small village by the sea,' },
  { text: 'def fibonacci(n):\n    ' },
  { text: '1, 2, 3, 5, 8, 13,' },
  { messages: [{ role: 'user', content: 'Explain in one sentence why the sky is blue.' }] },
];

/** Greedy tokens after each prompt; each is compared on the logits that chose it, so positions per probe = this. */
export const PROBE_CONTINUATION = 4;

export interface Probe {
  readonly prompt: readonly number[];
  readonly continuation: readonly number[];
  /** The reference's logits after the prompt, then after each continuation token but the last. */
  readonly logits: readonly Float32Array[];
}

/** Next-token logits after `prompt`, then after each of `continuation`'s tokens but the last. */
export type LogitsOf = (prompt: readonly number[], continuation: readonly number[]) => Promise<Float32Array[]>;

/** The probe prompts as token ids; a chat probe is skipped for a model without a chat template. */
export function probeTokens(model: Pick<HfModel, 'dir' | 'tokenizer' | 'chatTemplate'>): number[][] {
  return PROBE_PROMPTS.filter((p) => 'text' in p || model.chatTemplate !== null).map((p) => encodePrompt(model, p));
}

/** Runs the reference over the prompts, continuing each greedily. */
export async function runProbes(prompts: readonly (readonly number[])[], reference: (prompt: readonly number[]) => Promise<{ continuation: number[]; logits: Float32Array[] }>): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (const prompt of prompts) probes.push({ prompt, ...(await reference(prompt)) });
  return probes;
}

/** A session's greedy continuation of `prompt` with its logits at each step. */
export async function greedyLogits(session: GenerationSession, params: Float32Array, prompt: readonly number[], steps = PROBE_CONTINUATION): Promise<{ continuation: number[]; logits: Float32Array[] }> {
  let { logits, cache } = await session.extend(session.emptyCache(), prompt, params);
  const all = [logits];
  const continuation: number[] = [];
  for (let i = 0; i < steps; i++) {
    const next = argmax(logits);
    continuation.push(next);
    if (i === steps - 1) break;
    ({ logits, cache } = await session.extend(cache, [next], params));
    all.push(logits);
  }
  return { continuation, logits: all };
}

/** Teacher-forced logits from a session, in the shape `LogitsOf` asks. */
export function sessionLogits(session: GenerationSession, params: Float32Array): LogitsOf {
  return async (prompt, continuation) => {
    let { logits, cache } = await session.extend(session.emptyCache(), prompt, params);
    const all = [logits];
    for (const token of continuation.slice(0, -1)) {
      ({ logits, cache } = await session.extend(cache, [token], params));
      all.push(logits);
    }
    return all;
  };
}

/** Compares `candidate` with the probes' reference logits. */
export async function measureAgreement(probes: readonly Probe[], candidate: LogitsOf, control: ExportControl = {}): Promise<LogitAgreement> {
  const meter = new LogitAgreementMeter();
  const total = probes.reduce((n, p) => n + p.logits.length, 0);
  let done = 0;
  for (const probe of probes) {
    control.signal?.throwIfAborted();
    const logits = await candidate(probe.prompt, probe.continuation);
    if (logits.length !== probe.logits.length) throw new Error(`probe: expected ${probe.logits.length} positions of logits, got ${logits.length}`);
    probe.logits.forEach((reference, i) => meter.add(reference, logits[i]));
    done += probe.logits.length;
    control.onProgress?.({ phase: 'verify', done, total, item: `probe ${probes.indexOf(probe) + 1} of ${probes.length}` });
  }
  return meter.result();
}
