/**
 * Learning-rate schedules, matching transformers' get_*_schedule_with_warmup so runs compare
 * with other tools: the multiplier for optimizer step s (counting from 1) is lambda(s - 1).
 * With warmup, the first step therefore has learning rate 0, exactly as there.
 */

export type ScheduleKind = 'constant' | 'linear' | 'cosine';

export interface ScheduleConfig {
  kind: ScheduleKind;
  /** Peak learning rate. */
  lr: number;
  warmupSteps: number;
  totalSteps: number;
}

function multiplier(kind: ScheduleKind, current: number, warmup: number, total: number): number {
  // 1. warmup: linear from 0 to 1.
  if (current < warmup) return current / Math.max(1, warmup);
  // 2. after warmup: hold, or decay to 0 at the last step.
  const progress = (current - warmup) / Math.max(1, total - warmup);
  switch (kind) {
    case 'constant':
      return 1;
    case 'linear':
      return Math.max(0, (total - current) / Math.max(1, total - warmup));
    case 'cosine':
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
  }
}

/** Learning rate of optimizer step `step` (1-based). */
export function learningRateAt(config: ScheduleConfig, step: number): number {
  return config.lr * multiplier(config.kind, step - 1, config.warmupSteps, config.totalSteps);
}
