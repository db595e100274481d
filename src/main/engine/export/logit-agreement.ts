/**
 * How closely an exported model's next-token logits follow the in-app adapted model's, over all
 * probe positions: the largest absolute difference, the largest difference relative to the
 * reference's largest logit magnitude at that position (a per-element ratio blows up where a
 * logit is near 0), and the fraction of positions with the same top-1 token.
 */
import { argmax } from '../generate/sampling';

export interface LogitAgreement {
  readonly positions: number;
  readonly maxAbsDiff: number;
  readonly maxRelDiff: number;
  /** 0..1 */
  readonly top1Agreement: number;
}

export class LogitAgreementMeter {
  #positions = 0;
  #same = 0;
  #maxAbs = 0;
  #maxRel = 0;

  add(reference: Float32Array, candidate: Float32Array): void {
    if (reference.length !== candidate.length) throw new RangeError(`logits: the reference has ${reference.length} values, the export ${candidate.length}`);
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < reference.length; i++) {
      scale = Math.max(scale, Math.abs(reference[i]));
      // A NaN must fail the check, and Math.max would carry it while a comparison would drop it.
      diff = Math.max(diff, Math.abs(reference[i] - candidate[i]));
    }
    this.#positions++;
    if (argmax(reference) === argmax(candidate)) this.#same++;
    this.#maxAbs = Math.max(this.#maxAbs, diff);
    this.#maxRel = Math.max(this.#maxRel, diff / Math.max(scale, Number.MIN_VALUE));
  }

  result(): LogitAgreement {
    return { positions: this.#positions, maxAbsDiff: this.#maxAbs, maxRelDiff: this.#maxRel, top1Agreement: this.#positions === 0 ? 0 : this.#same / this.#positions };
  }
}

/** Limits an export's agreement must meet. */
export interface AgreementTolerance {
  /** Unbounded when absent. Log-probability comparisons bound this one (log-probs are absolute). */
  readonly maxAbsDiff?: number;
  readonly maxRelDiff?: number;
  readonly minTop1Agreement: number;
}

/** Null when `agreement` meets `tolerance`, else why not. */
export function agreementProblem(agreement: LogitAgreement, tolerance: AgreementTolerance): string | null {
  const problems: string[] = [];
  if (agreement.positions === 0) problems.push('no probe positions were compared');
  if (tolerance.maxAbsDiff !== undefined && !(agreement.maxAbsDiff <= tolerance.maxAbsDiff)) problems.push(`max absolute difference ${agreement.maxAbsDiff.toExponential(2)} exceeds ${tolerance.maxAbsDiff.toExponential(0)}`);
  if (tolerance.maxRelDiff !== undefined && !(agreement.maxRelDiff <= tolerance.maxRelDiff)) problems.push(`max relative difference ${agreement.maxRelDiff.toExponential(2)} exceeds ${tolerance.maxRelDiff.toExponential(0)}`);
  if (!(agreement.top1Agreement >= tolerance.minTop1Agreement)) problems.push(`top-1 agreement ${(100 * agreement.top1Agreement).toFixed(1)}% is below ${(100 * tolerance.minTop1Agreement).toFixed(1)}%`);
  return problems.length === 0 ? null : problems.join('; ');
}
