/**
 * The starter kit's methods: a tiny demo model and sample chats for learning the workflow with
 * nothing downloaded. Node-free, like contract.ts.
 */
import * as v from 'valibot';
import { method } from './method';

export interface StarterKit {
  /** Both files are in the data folder. */
  ready: boolean;
  /** A Hugging Face model folder, for the Model step. */
  modelPath: string;
  /** A JSONL chat file, for the Data step. */
  datasetPath: string;
  /** Names for the library that say these are a demo. */
  modelName: string;
  datasetName: string;
}

export const STARTER_NAMES = {
  modelName: 'Demo: tiny model (random weights, for learning the workflow)',
  datasetName: 'Demo: garden helper chats',
} as const;

export const starterMethods = {
  'starter.status': method<StarterKit>()('Where the starter kit lives in the data folder, and whether it has been made.', v.strictObject({})),
  'starter.prepare': method<StarterKit>()(
    'Makes the starter kit in the data folder when it is not there: a tiny demo model generated on this computer (random weights) and a copy of the sample chats shipped with the app.',
    v.strictObject({}),
  ),
} as const;
