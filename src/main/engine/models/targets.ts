/**
 * HyperAdapt targets and trainable-parameter counts (DESIGN.md section 1).
 * A target linear W [out, in] trains a [out] and b [in]: out + in parameters. LoRA of rank r on
 * the same linear trains A [r, in] and B [out, r]: r * (out + in), shown beside it for comparison.
 */
import { LINEAR_MODULES, type LinearModule, linearsOf, type ModelSpec } from './spec';

/** Every linear layer of every block: the default targets. */
export const HYPERADAPT_TARGET_MODULES: readonly LinearModule[] = LINEAR_MODULES;

/** The LoRA rank the UI compares against. */
export const LORA_COMPARISON_RANK = 8;

/** Checks user-given module names (e.g. from --targets q_proj,v_proj); keeps LINEAR_MODULES order. */
export function parseTargetModules(names: readonly string[]): LinearModule[] {
  const unknown = names.filter((n) => !(LINEAR_MODULES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new RangeError(`unknown target module(s) ${unknown.join(', ')}; choose among ${LINEAR_MODULES.join(', ')}`);
  }
  if (names.length === 0) throw new RangeError(`no target modules chosen; choose among ${LINEAR_MODULES.join(', ')}`);
  return LINEAR_MODULES.filter((m) => names.includes(m));
}

/** Σ (out + in) over the chosen targets in every layer. */
export function countHyperAdaptParameters(spec: ModelSpec, targets: readonly LinearModule[] = HYPERADAPT_TARGET_MODULES): number {
  return linearsOf(spec, targets).reduce((n, l) => n + l.out + l.in, 0);
}

/** Σ r * (out + in) over the chosen targets: LoRA's trainable parameters at rank r. */
export function countLoraParameters(
  spec: ModelSpec,
  targets: readonly LinearModule[] = HYPERADAPT_TARGET_MODULES,
  rank = LORA_COMPARISON_RANK,
): number {
  if (!Number.isInteger(rank) || rank <= 0) throw new RangeError(`LoRA rank must be a positive integer, got ${rank}`);
  return rank * countHyperAdaptParameters(spec, targets);
}
