/** A deterministic, seeded train/validation split of row indices. */
import { Random } from '../random';
import { MAX_VALIDATION_ROWS } from './train-options';

export interface Split {
  train: number[];
  validation: number[];
}

/** Holds out round(fraction * n) rows (at most MAX_VALIDATION_ROWS), chosen by `seed`; keeps file order within each side. */
export function splitRows(rowCount: number, fraction: number, seed: number): Split {
  const held = Math.min(MAX_VALIDATION_ROWS, Math.round(rowCount * fraction));
  // Never leave training empty: one row is the least we can learn from.
  const count = Math.min(held, rowCount - 1);
  if (count <= 0) return { train: Array.from({ length: rowCount }, (_, i) => i), validation: [] };
  const chosen = new Set(new Random(seed ^ 0x5bd1e995).shuffle(Array.from({ length: rowCount }, (_, i) => i)).slice(0, count));
  const split: Split = { train: [], validation: [] };
  for (let i = 0; i < rowCount; i++) (chosen.has(i) ? split.validation : split.train).push(i);
  return split;
}
