/**
 * Errors about what a person asked for, raised wherever the asking is judged (the API's folder
 * browser, the store, the settings). They are not bugs: the API answers them with their own
 * codes (api/error-codes.ts) rather than as internal errors, and their messages say what to do.
 */

/** A file or folder named in a request is not there. */
export class MissingPathError extends Error {
  override readonly name = 'MissingPathError';
  constructor(
    readonly path: string,
    readonly kind: 'file' | 'folder',
  ) {
    super(`There is no ${kind} ${path}.`);
  }
}

/**
 * A request the input schema could not judge and that cannot be done as asked: a relative
 * folder, a file where a folder belongs, a name too long. `subject` names what was refused.
 */
export class UserInputError extends Error {
  override readonly name = 'UserInputError';
  constructor(
    readonly subject: string,
    message: string,
  ) {
    super(message);
  }
}

/** The app cannot do it now (it is shutting down, a file changed under it); it may work later. */
export class BusyError extends Error {
  override readonly name = 'BusyError';
  constructor(
    readonly subject: string,
    message: string,
  ) {
    super(message);
  }
}
