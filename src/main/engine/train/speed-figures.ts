/**
 * What timing a few training steps tells: the probe's result, and the core of the API's speed
 * estimate. Import-free, so the API contract (which the renderer typechecks) can use it.
 */
export interface SpeedFigures {
  /** Where the steps ran, as a run of these settings would. */
  device: 'cpu' | 'cuda';
  secondsPerStep: number;
  /** Real (non-padding) tokens per second over the timed steps. */
  tokensPerSecond: number;
  /** Untimed steps run first, then the timed ones. */
  warmupSteps: number;
  /** Steps timed (fewer than planned when the time budget ran out). */
  measuredSteps: number;
  trainRows: number;
  validationRows: number;
  /**
   * Reading the model and data, building the graphs and opening a session for each sequence
   * length (one micro-batch each): what a run spends before its first step.
   */
  setupSeconds: number;
}
