/**
 * Curves as the charts need them: aligned on one step axis (uPlot draws every series against a
 * single x array), formatted for legends and tables, and summarised in words for screen readers,
 * which cannot read a canvas.
 */

/** [step, value] pairs in ascending step order. */
export type Curve = readonly (readonly [step: number, value: number])[];

export interface AlignedCurves {
  /** Every step any curve has a point at, ascending. */
  steps: number[];
  /** One array per curve, as long as steps: the curve's value there, or null where it has none. */
  values: (number | null)[][];
}

export function alignCurves(curves: readonly Curve[]): AlignedCurves {
  const steps = [...new Set(curves.flatMap((curve) => curve.map(([step]) => step)))].sort((a, b) => a - b);
  const index = new Map(steps.map((step, i) => [step, i]));
  const values = curves.map((curve) => {
    const row = new Array<number | null>(steps.length).fill(null);
    for (const [step, value] of curve) row[index.get(step)!] = value;
    return row;
  });
  return { steps, values };
}

/** Three significant digits: "2.31", "0.84", "0.00123", enough to tell steps apart. */
export function formatLoss(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** Learning rates span decades, so they read best as "2.0e-4". */
export function formatRate(value: number): string {
  return value === 0 ? '0' : value.toExponential(1);
}

/** "Training loss from 2.31 to 0.84 over 120 of 400 steps; validation loss 0.91 at step 100". */
export function lossSummary(train: Curve, validation: Curve, totalSteps: number | null): string {
  const first = train[0];
  const last = train.at(-1);
  if (!first || !last) return totalSteps === null ? 'Loss chart: no steps yet' : `Loss chart: no steps yet of ${totalSteps}`;
  const of = totalSteps === null ? '' : ` of ${totalSteps}`;
  const latest = validation.at(-1);
  const checked = latest ? `; validation loss ${formatLoss(latest[1])} at step ${latest[0]}` : '';
  return `Training loss from ${formatLoss(first[1])} to ${formatLoss(last[1])} over ${last[0]}${of} steps${checked}`;
}

/** "Training loss of 2 runs by step: lr 1e-4 from 2.31 to 0.84 over 120 steps; …". */
export function compareSummary(series: readonly { label: string; points: Curve }[]): string {
  const each = series.map(({ label, points }) => {
    const first = points[0];
    const last = points.at(-1);
    return first && last ? `${label} from ${formatLoss(first[1])} to ${formatLoss(last[1])} over ${last[0]} steps` : `${label} has no steps`;
  });
  return `Training loss of ${series.length} runs by step: ${each.join('; ')}`;
}
