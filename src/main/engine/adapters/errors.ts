/**
 * Errors of the adapter files: a config that cannot be read as an adapter's, and an adapter
 * offered to a base model it was not trained on. Each names the file or folders it is about.
 */

/** adapter_config.json is missing, unreadable, or lacks what loading needs. */
export class AdapterConfigError extends Error {
  override readonly name = 'AdapterConfigError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** The adapter's recorded base model differs from the model it was about to run on. */
export class AdapterLineageError extends Error {
  override readonly name = 'AdapterLineageError';
  constructor(
    readonly adapterDir: string,
    readonly modelDir: string,
    message: string,
  ) {
    super(message);
  }
}
