/** Runs side by side: what differs in their settings, how they ended, and their loss curves. */
import { getDataset } from './datasets';
import type { Library } from './library';
import { metricsOf } from './metrics';
import { getModel } from './models';
import type { JsonValue, RunComparison, RunComparisonEntry, RunRecord } from './records';
import { getRun } from './runs';

function entry(library: Library, run: RunRecord): { entry: RunComparisonEntry; train: [number, number][]; validation: [number, number][] } {
  const points = metricsOf(library, run.id);
  const train = points.filter((p) => p.split === 'train' && p.loss !== null).map((p): [number, number] => [p.step, p.loss!]);
  const validation = points.filter((p) => p.split === 'validation' && p.loss !== null).map((p): [number, number] => [p.step, p.loss!]);
  const best = validation.reduce<[number, number] | null>((b, p) => (b === null || p[1] < b[1] ? p : b), null);
  const durationMs = run.startedAt && run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
  return {
    entry: {
      run,
      modelName: getModel(library, run.modelId).name,
      datasetName: getDataset(library, run.datasetId).name,
      finalLoss: train.at(-1)?.[1] ?? null,
      bestValidationLoss: best?.[1] ?? null,
      bestValidationStep: best?.[0] ?? null,
      durationMs,
    },
    train,
    validation,
  };
}

/** The comparable values of a run, flattened to one level of keys. */
function comparable(e: RunComparisonEntry): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = { model: e.modelName, dataset: e.datasetName };
  for (const [key, value] of Object.entries(e.run.settings)) values[key] = (value as JsonValue | undefined) ?? null;
  return values;
}

export function compareRuns(library: Library, ids: readonly number[]): RunComparison {
  const entries = ids.map((id) => entry(library, getRun(library, id)));
  const flat = entries.map((e) => comparable(e.entry));
  const keys = [...new Set(flat.flatMap((values) => Object.keys(values)))];
  const differences = keys
    .map((key) => ({ key, values: flat.map((values) => values[key] ?? null) }))
    .filter(({ values }) => new Set(values.map((value) => JSON.stringify(value))).size > 1);
  return {
    runs: entries.map((e) => e.entry),
    differences,
    curves: entries.map((e) => ({ runId: e.entry.run.id, train: e.train, validation: e.validation })),
  };
}
