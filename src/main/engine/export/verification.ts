/** The verdict of an export's verification, as reported to the user and stored with the export. */
import { agreementProblem, type AgreementTolerance, type LogitAgreement } from './logit-agreement';

export interface Verification {
  /** The runtime that loaded the export, e.g. "hyperadapt engine (onnxruntime)". */
  readonly runtime: string;
  readonly agreement: LogitAgreement;
  readonly tolerance: AgreementTolerance;
  readonly passed: boolean;
  /** Why it failed; null when it passed. */
  readonly problem: string | null;
}

export function judge(runtime: string, agreement: LogitAgreement, tolerance: AgreementTolerance): Verification {
  const problem = agreementProblem(agreement, tolerance);
  return { runtime, agreement, tolerance, passed: problem === null, problem };
}

/** An export whose artifact did not reproduce the in-app model; nothing was published. */
export class ExportVerificationError extends Error {
  override name = 'ExportVerificationError';
  constructor(
    readonly target: string,
    readonly verification: Verification,
  ) {
    super(`export to ${target} failed verification in ${verification.runtime}: ${verification.problem}; nothing was written there`);
  }
}
