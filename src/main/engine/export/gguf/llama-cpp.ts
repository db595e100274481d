/**
 * llama.cpp itself, through node-llama-cpp's prebuilt binaries on the CPU: loads a GGUF file and
 * returns its next-token log-probabilities for given tokens, and its own tokenization of text.
 * Sampling is switched off (temperature 1, no top-k/top-p/min-p) so the probabilities are the
 * model's softmax over the whole vocabulary.
 */
import { availableParallelism } from 'node:os';
import type { LlamaContext, LlamaModel, Token } from 'node-llama-cpp';
import type { LogitsOf } from '../probes';
import { logProbsOf } from './log-probs';

export interface LlamaCppModel {
  readonly logProbs: LogitsOf;
  tokenize(text: string): number[];
  close(): Promise<void>;
}

const RAW_DISTRIBUTION = { temperature: 1, topK: 0, topP: 1, minP: 0 } as const;

export async function openLlamaCpp(path: string, contextSize: number, vocab: number): Promise<LlamaCppModel> {
  // Loaded on first use, by import(): the package is ES modules with top-level await, which the
  // CommonJS CLI (bin/hyperadapt.cjs through tsx) cannot require, and most commands never need it.
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never' });
  const model: LlamaModel = await llama.loadModel({ modelPath: path });
  let context: LlamaContext;
  try {
    // No flash attention (its CPU kernel rounds through F16: log-prob errors near 2e-3 even on an
    // F32 model) and an F32 KV cache (the default is F16), so what is measured is the exported weights.
    context = await model.createContext({ contextSize, sequences: 1, flashAttention: false, threads: verificationThreads(), experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' });
  } catch (error) {
    await model.dispose();
    throw error;
  }
  // One sequence, cleared before each probe: every probe starts from an empty cache.
  const sequence = context.getSequence();
  return {
    logProbs: async (prompt, continuation) => {
      const tokens = [...prompt, ...continuation.slice(0, -1)];
      const first = prompt.length - 1;
      await sequence.clearHistory();
      {
        // Probabilities after the last prompt token and after each continuation token fed.
        const items = tokens.map((t, i) => (i >= first ? ([t as Token, { generateNext: { probabilities: true, options: RAW_DISTRIBUTION } }] as const) : (t as Token)));
        const results = await sequence.controlledEvaluate(items as Parameters<typeof sequence.controlledEvaluate>[0]);
        return tokens.slice(first).map((_, k) => {
          const probabilities = results[first + k]?.next.probabilities;
          if (!probabilities) throw new Error(`llama.cpp returned no probabilities at position ${first + k}`);
          return logProbsOf(probabilities, vocab);
        });
      }
    },
    tokenize: (text) => model.tokenize(text, true).map(Number),
    close: async () => {
      sequence.dispose();
      await context.dispose();
      await model.dispose();
    },
  };
}

/**
 * Threads for the check: llama.cpp's workers spin while they wait, so on a machine shared with
 * other work, fewer threads than cores keep them from starving each other (one core is left free).
 */
function verificationThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism() - 1));
}
