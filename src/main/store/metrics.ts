/**
 * The metrics table: one row per (run, step, split). A resumed run re-runs the steps after its
 * checkpoint, so writing a point that exists replaces it rather than failing or duplicating.
 */
import type { Library } from './library';
import type { MetricPoint, MetricSplit } from './records';
import { preparedFor } from './statements';

interface MetricRow {
  step: number;
  split: MetricSplit;
  loss: number | null;
  learning_rate: number | null;
  tokens_per_second: number | null;
  grad_norm: number | null;
  tokens: number | null;
}

const statements = preparedFor((db) => ({
  upsert: db.prepare<MetricRow & { run_id: number; recorded_at: string }, never>(
    `INSERT INTO metrics (run_id, step, split, loss, learning_rate, tokens_per_second, grad_norm, tokens, recorded_at)
     VALUES (@run_id, @step, @split, @loss, @learning_rate, @tokens_per_second, @grad_norm, @tokens, @recorded_at)
     ON CONFLICT (run_id, step, split) DO UPDATE SET loss = excluded.loss, learning_rate = excluded.learning_rate,
       tokens_per_second = excluded.tokens_per_second, grad_norm = excluded.grad_norm, tokens = excluded.tokens, recorded_at = excluded.recorded_at`,
  ),
  ofRun: db.prepare<[number, number], MetricRow>(
    'SELECT step, split, loss, learning_rate, tokens_per_second, grad_norm, tokens FROM metrics WHERE run_id = ? AND step > ? ORDER BY step, split',
  ),
  dropAfter: db.prepare<[number, number], never>('DELETE FROM metrics WHERE run_id = ? AND step > ?'),
}));

/** NaN and infinities have no place in SQLite (NaN would become NULL anyway): say so explicitly. */
function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

export function recordMetric(library: Library, runId: number, point: MetricPoint): void {
  statements(library.db).upsert.run({
    run_id: runId,
    step: point.step,
    split: point.split,
    loss: finiteOrNull(point.loss),
    learning_rate: finiteOrNull(point.learningRate),
    tokens_per_second: finiteOrNull(point.tokensPerSecond),
    grad_norm: finiteOrNull(point.gradNorm),
    tokens: point.tokens,
    recorded_at: new Date().toISOString(),
  });
}

/** A run's points after `afterStep` (all by default), by step, train before validation. */
export function metricsOf(library: Library, runId: number, afterStep = 0): MetricPoint[] {
  return statements(library.db)
    .ofRun.all(runId, afterStep)
    .map((row) => ({
      step: row.step,
      split: row.split,
      loss: row.loss,
      learningRate: row.learning_rate,
      tokensPerSecond: row.tokens_per_second,
      gradNorm: row.grad_norm,
      tokens: row.tokens,
    }));
}

/** Forgets the points after a step: a run resumed from that step's checkpoint writes them again. */
export function dropMetricsAfter(library: Library, runId: number, step: number): void {
  statements(library.db).dropAfter.run(runId, step);
}
