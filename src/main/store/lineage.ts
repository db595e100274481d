/**
 * Lineage: an adapter only fits the exact base model it was trained on. Applying it to, or
 * exporting it with, a model whose architecture, config or weight hashes differ is refused with
 * a message naming both, since the result would be silently wrong rather than failing.
 */
import { getAdapter } from './adapters';
import { LineageError } from './errors';
import type { Library } from './library';
import { getModel } from './models';
import type { BaseModelIdentity, ModelRecord } from './records';

/** What differs between the identity an adapter records and a model's; empty when they match. */
export function lineageDifferences(base: BaseModelIdentity, model: ModelRecord): string[] {
  const differences: string[] = [];
  if (base.architecture !== model.architecture) differences.push(`architecture ${base.architecture} vs ${model.architecture}`);
  if (base.configSha256 !== model.configSha256) differences.push('config.json differs');
  const actual = new Map(model.weightFiles.map((f) => [f.file, f.sha256]));
  const recorded = new Set(base.weightFiles.map((f) => f.file));
  for (const f of base.weightFiles) {
    const sha = actual.get(f.file);
    if (sha === undefined) differences.push(`${f.file} is missing`);
    else if (sha !== f.sha256) differences.push(`${f.file} differs`);
  }
  for (const f of model.weightFiles) if (!recorded.has(f.file)) differences.push(`${f.file} was not part of the base`);
  return differences;
}

const short = (sha: string) => `${sha.slice(0, 12)}…`;

/** null when the adapter fits the model, else the error that says why not. */
export function checkLineage(library: Library, adapterId: number, modelId: number): LineageError | null {
  const adapter = getAdapter(library, adapterId);
  const model = getModel(library, modelId);
  const differences = lineageDifferences(adapter.base, model);
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
