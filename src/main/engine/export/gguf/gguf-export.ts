/**
 * Export as GGUF for llama.cpp, Ollama and LM Studio: a folder holding model.gguf (merged weights
 * as F32, F16, BF16 or Q8_0, with the tokenizer and chat template) and an Ollama Modelfile.
 *
 * Verified before it is published, by readers that share no code with the writer:
 * @huggingface/gguf parses the header and metadata, and llama.cpp (node-llama-cpp) loads the
 * model, tokenizes the text probes and gives next-token log-probabilities, which must agree with
 * the in-app adapted model within the tolerance of the chosen type.
 */
import { stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { withExportFolder } from '../export-folder';
import type { ExportSource } from '../export-source';
import type { AgreementTolerance } from '../logit-agreement';
import { measureAgreement, type Probe } from '../probes';
import type { ExportControl } from '../progress';
import { ExportVerificationError, judge, type Verification } from '../verification';
import { checkGgufHeader } from './header-check';
import { openLlamaCpp } from './llama-cpp';
import { probesAsLogProbs } from './log-probs';
import { MODELFILE, renderModelfile } from './modelfile';
import type { GgufDtype } from './tensor-plan';
import { writeGgufModel } from './write-gguf';

export const GGUF_FILE = 'model.gguf';

/**
 * Next-token log-probability differences llama.cpp may show, by type. F32: float32 reordering
 * only. F16/BF16: weights rounded to 11 and 8 significant bits (and llama.cpp's CPU kernels round
 * activations for F16 matrix products). Q8_0: about 1% per weight. From F16 down, top-1 may flip
 * where the two best tokens are nearly tied, which a real model meets now and then, so only F32
 * demands every position (the tests hold F16 to every position too, on models without near-ties).
 */
export const GGUF_TOLERANCES: Readonly<Record<GgufDtype, AgreementTolerance>> = {
  f32: { maxAbsDiff: 1e-4, minTop1Agreement: 1 },
  f16: { maxAbsDiff: 3e-2, minTop1Agreement: 0.9 },
  bf16: { maxAbsDiff: 1.5e-1, minTop1Agreement: 0.8 },
  q8_0: { maxAbsDiff: 2e-1, minTop1Agreement: 0.8 },
};

export interface GgufExportResult {
  readonly path: string;
  readonly bytes: number;
  readonly dtype: GgufDtype;
  readonly verification: Verification;
}

export async function exportGguf(source: ExportSource, probes: readonly Probe[], target: string, dtype: GgufDtype, control: ExportControl = {}): Promise<GgufExportResult> {
  const { model, adapter } = source;
  return withExportFolder(target, async (folder) => {
    const path = folder.file(GGUF_FILE);
    const plan = await writeGgufModel({ model, layout: adapter.layout, vector: adapter.vector }, path, basename(folder.target), dtype, control);
    await writeFile(folder.file(MODELFILE), renderModelfile(model, GGUF_FILE));
    await checkGgufHeader(path, model, plan);

    const contextSize = Math.min(model.config.maxPositionEmbeddings, Math.max(...probes.map((p) => p.prompt.length + p.continuation.length)) + 8);
    const llamaCpp = await openLlamaCpp(path, contextSize, model.config.vocabSize);
    let verification: Verification;
    try {
      const tokenization = tokenizationProblem(source, llamaCpp.tokenize);
      const agreement = await measureAgreement(probesAsLogProbs(probes), llamaCpp.logProbs, control);
      verification = judge('llama.cpp (node-llama-cpp, CPU)', agreement, GGUF_TOLERANCES[dtype]);
      if (tokenization) verification = { ...verification, passed: false, problem: [verification.problem, tokenization].filter(Boolean).join('; ') };
    } finally {
      await llamaCpp.close();
    }
    if (!verification.passed) throw new ExportVerificationError(folder.target, verification);
    return { path: folder.target, bytes: (await stat(path)).size, dtype, verification };
  });
}

/** llama.cpp must split the text probes into the same tokens as our tokenizer, or users get another model. */
function tokenizationProblem({ model }: ExportSource, tokenize: (text: string) => number[]): string | null {
  for (const text of ['The capital of France is', 'def fibonacci(n):\n    return 42', '  Spaces,  digits 12345 and ünïcode!']) {
    const ours = model.tokenizer.encode(text, { addSpecialTokens: false });
    const theirs = tokenize(text);
    if (ours.join(',') !== theirs.join(',')) return `llama.cpp tokenizes ${JSON.stringify(text)} as [${theirs.join(', ')}], the model's tokenizer as [${ours.join(', ')}]`;
  }
  return null;
}
