/**
 * The store's errors: each a type with the fields a caller (the CLI, the UI) needs to act on it,
 * and a message that says what was expected, what was found, and what to do.
 */

/** The database was written by a newer HyperAdapt Studio; it is refused, never touched. */
export class SchemaFromFutureError extends Error {
  override readonly name = 'SchemaFromFutureError';
  constructor(
    readonly file: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `${file} has schema version ${found}, but this version of HyperAdapt Studio knows versions up to ${known}. ` +
        'It was written by a newer version: update HyperAdapt Studio, or choose another data folder. The file was not changed.',
    );
  }
}

export type LibraryKind = 'model' | 'dataset' | 'run' | 'adapter' | 'export' | 'checkpoint';

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly kind: LibraryKind,
    readonly id: number,
  ) {
    super(`There is no ${kind} with id ${id} in the library (list them with \`hyperadapt ${kind}s list\`).`);
  }
}

/** Deleting something that other entries still depend on. */
export class InUseError extends Error {
  override readonly name = 'InUseError';
  constructor(
    readonly kind: LibraryKind,
    readonly id: number,
    readonly usedBy: readonly { kind: LibraryKind; id: number }[],
  ) {
    const by = usedBy.map((u) => `${u.kind} ${u.id}`).join(', ');
    super(`The ${kind} ${id} is still used by ${by}; delete those first.`);
  }
}

/** An action a run's current status does not allow (pausing a finished run, deleting a running one). */
export class RunStateError extends Error {
  override readonly name = 'RunStateError';
  constructor(
    readonly runId: number,
    readonly status: string,
    readonly action: string,
    hint: string,
  ) {
    super(`Run ${runId} is ${status}, so it cannot be ${action}. ${hint}`);
  }
}

/** An adapter and a base model whose identities (config or weight hashes) differ. */
export class LineageError extends Error {
  override readonly name = 'LineageError';
  constructor(
    readonly adapterId: number,
    readonly modelId: number,
    readonly differences: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/** A resume that has no checkpoint to continue from, with the reason for each one passed over. */
export class NoValidCheckpointError extends Error {
  override readonly name = 'NoValidCheckpointError';
  constructor(
    readonly runId: number,
    readonly problems: readonly string[],
  ) {
    const why = problems.length > 0 ? `: ${problems.join('; ')}` : ': none was written before it stopped';
    super(
      `Run ${runId} has no checkpoint whose files verify${why}. ` +
        `Nothing can be resumed; start it again from step 0 with \`hyperadapt runs resume ${runId} --from-start\`.`,
    );
  }
}
