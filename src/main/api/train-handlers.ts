/** The Train step's methods: speed measured before a run starts. */
import { readPreferences, runDefaults } from '../settings/preferences';
import { completeSettings } from '../store/run-options';
import type { Handler } from './context';
import type { trainMethods } from './train-contract';

type TrainHandlers = { [M in keyof typeof trainMethods]: Handler<M> };

export const trainHandlers: TrainHandlers = {
  // Settings are completed exactly as runs.start completes them, so what is measured is what would run.
  'runs.measureSpeed': ({ modelId, datasetId, settings }, { library }) =>
    library.speed.measure({ modelId, datasetId, settings: completeSettings({ ...runDefaults(readPreferences()), ...settings }) }),
  'runs.cancelSpeed': async (_input, { library }) => ({ cancelled: library.speed.cancel() }),
};
