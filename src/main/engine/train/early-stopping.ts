/** Stops training when the validation loss has not improved by minDelta for `patience` evaluations. */

export interface EarlyStoppingConfig {
  patience: number;
  minDelta: number;
}

export interface EarlyStoppingState {
  best: number | null;
  bestStep: number | null;
  evalsWithoutImprovement: number;
}

export function newEarlyStoppingState(): EarlyStoppingState {
  return { best: null, bestStep: null, evalsWithoutImprovement: 0 };
}

/** Records one validation loss; returns true when training should stop. */
export function recordValidation(state: EarlyStoppingState, config: EarlyStoppingConfig, step: number, loss: number): boolean {
  if (state.best === null || loss < state.best - config.minDelta) {
    state.best = loss;
    state.bestStep = step;
    state.evalsWithoutImprovement = 0;
    return false;
  }
  state.evalsWithoutImprovement += 1;
  return state.evalsWithoutImprovement >= config.patience;
}
