/**
 * Everything "Try it" needs before the first token: the model, the adapter (refused when it was
 * trained on another base model), one generation session built for the adapter's targets, and
 * the two vectors that session takes: a = b = 1 for the base model, the trained ones for the adapter.
 */
import { resolve } from 'node:path';
import { loadAdapter } from '../adapters/adapter-files';
import { adapterLayout, identityAdapterVector } from '../models/adapter-layout';
import { type HfModel, loadHfModel } from '../models/hf-model';
import { computeModelIdentity } from '../models/identity';
import { GenerationSession, type GenerationSessionOptions } from './generation-session';

export interface OpenGenerationOptions extends GenerationSessionOptions {
  /** Hugging Face model folder. */
  readonly model: string;
  /** Adapter folder; without it only the base model can run. */
  readonly adapter?: string;
}

export interface OpenedGeneration {
  readonly model: HfModel;
  readonly session: GenerationSession;
  /** a = b = 1 over the session's layout: the base model. */
  readonly base: Float32Array;
  /** The adapter's vector, or null without an adapter. */
  readonly adapted: Float32Array | null;
  readonly adapterDir: string | null;
}

export async function openGeneration(options: OpenGenerationOptions): Promise<OpenedGeneration> {
  const model = await loadHfModel(resolve(options.model));
  let layout = adapterLayout(model.spec);
  let adapted: Float32Array | null = null;
  const adapterDir = options.adapter ? resolve(options.adapter) : null;
  if (adapterDir) {
    const identity = await computeModelIdentity(model.dir, model.config, model.weights);
    const adapter = await loadAdapter(adapterDir, model.spec, identity, model.dir);
    layout = adapter.layout;
    adapted = adapter.vector;
  }
  const session = await GenerationSession.open(model, layout, options);
  return { model, session, base: identityAdapterVector(layout), adapted, adapterDir };
}
