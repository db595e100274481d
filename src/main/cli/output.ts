/** How CLI commands talk: plain lines for people, one JSON object per line with --json. */

export interface Output {
  json: boolean;
  /** A human line (stderr in --json mode, so stdout stays machine-readable). */
  info(message: string): void;
  /** A result: printed as JSON with --json, else by `human`. */
  result(value: unknown, human: () => string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    info: (message) => (json ? process.stderr : process.stdout).write(message + '\n'),
    result: (value, human) => process.stdout.write((json ? JSON.stringify(value) : human()) + '\n'),
  };
}

/** Prints a failure the way a person can act on it, and sets a failing exit code. */
export function reportFailure(error: unknown, json: boolean): void {
  const message = error instanceof Error ? error.message : String(error);
  if (json) process.stdout.write(JSON.stringify({ error: message }) + '\n');
  else process.stderr.write(`error: ${message}\n`);
  process.exitCode = 1;
}
