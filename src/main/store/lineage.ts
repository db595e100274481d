/**
 * Lineage: an adapter only fits the exact base model it was trained on. Applying it to, or
 * exporting it with, a model whose architecture, config or weight hashes differ is refused with
 * a message naming both, since the result would be silently wrong rather than failing.
 */
import { identityDifferences } from '../engine/adapters/identity-differences';
import { getAdapter } from './adapters';
import { LineageError } from './errors';
import type { Library } from './library';
import { getModel } from './models';

const short = (sha: string) => `${sha.slice(0, 12)}…`;

/** null when the adapter fits the model, else the error that says why not. */
export function checkLineage(library: Library, adapterId: number, modelId: number): LineageError | null {
  const adapter = getAdapter(library, adapterId);
  const model = getModel(library, modelId);
  const differences = identityDifferences(adapter.base, model);
  if (differences.length === 0) return null;
  const trainedOn = getModel(library, adapter.modelId);
  const message =
    `Adapter "${adapter.name}" (id ${adapter.id}) was trained on model "${trainedOn.name}" (id ${trainedOn.id}, ${adapter.base.architecture}, config sha256 ${short(adapter.base.configSha256)}), ` +
    `not on model "${model.name}" (id ${model.id}, ${model.architecture}, config sha256 ${short(model.configSha256)}): ${differences.join('; ')}. ` +
    `Use it with the model it was trained on, or train a new adapter on "${model.name}".`;
  return new LineageError(adapter.id, model.id, differences, message);
}

export function assertLineage(library: Library, adapterId: number, modelId: number): void {
  const error = checkLineage(library, adapterId, modelId);
  if (error) throw error;
}
