/** Library contents the screens need, seeded through the same API the screens use. */
import type { Page } from 'playwright-core';
import { pageCall, QUICK_RUN, waitForRun } from './api';
import { tinyDataFile, tinyModelFolder } from './fixtures';

/** A tiny model, a dataset and one completed run named 'numbers run' (hence its adapter). */
export async function seedTrainedAdapter(page: Page): Promise<{ modelId: number; datasetId: number; runId: number }> {
  const { model } = await pageCall(page, 'models.add', { path: await tinyModelFolder(), name: 'tiny qwen' });
  const { dataset } = await pageCall(page, 'datasets.add', { path: await tinyDataFile(), name: 'numbers' });
  const run = await pageCall(page, 'runs.start', { modelId: model.id, datasetId: dataset.id, name: 'numbers run', settings: QUICK_RUN });
  await waitForRun(page, run.id, ['completed']);
  return { modelId: model.id, datasetId: dataset.id, runId: run.id };
}
