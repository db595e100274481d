/** A training example after tokenisation: token ids and, aligned with them, the labels to learn. */

/** Label value meaning "no loss here" (prompt tokens, padding), as in Hugging Face. */
export const IGNORE_INDEX = -100;

export interface TrainingExample {
  inputIds: Int32Array;
  /** Same length as inputIds; labels[t] = inputIds[t] where supervised, IGNORE_INDEX elsewhere. */
  labels: Int32Array;
}

/** Tokens that count towards the loss after the causal shift (the first token is never predicted). */
export function supervisedTokenCount(example: TrainingExample): number {
  let count = 0;
  for (let t = 1; t < example.labels.length; t++) if (example.labels[t] !== IGNORE_INDEX) count += 1;
  return count;
}

/** Keeps the first maxLength tokens (the tail is dropped, as most tools do). */
export function truncateExample(example: TrainingExample, maxLength: number): TrainingExample {
  if (example.inputIds.length <= maxLength) return example;
  return { inputIds: example.inputIds.subarray(0, maxLength), labels: example.labels.subarray(0, maxLength) };
}
