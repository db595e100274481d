/**
 * The single entry point both transports call: look the method up, validate the input against
 * its schema, run the handler, and turn every failure into an ApiErrorBody the client can show,
 * coded by the error's type (./error-codes.ts).
 */
import * as v from 'valibot';
import { isMethodName, methods, type ApiErrorBody, type CallResult, type MethodName } from './contract';
import { errorBody } from './error-codes';
import { handlers, type ApiContext, type Handlers } from './handlers';

export class ApiError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
  }
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): { path: string; message: string }[] {
  return issues.map((issue) => ({ path: v.getDotPath(issue) ?? '(input)', message: issue.message }));
}

function validate(name: MethodName, rawInput: unknown): unknown {
  const parsed = v.safeParse(methods[name].input, rawInput ?? {});
  if (parsed.success) return parsed.output;
  const issues = describeIssues(parsed.issues);
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new ApiError({ code: 'invalid_input', message: `Invalid input for ${name}: ${summary}`, issues });
}

/** Validates and runs one call. Never throws: failures come back as { ok: false }. */
export async function dispatch(
  name: string,
  rawInput: unknown,
  context: ApiContext,
  table: Handlers = handlers,
): Promise<CallResult<unknown>> {
  try {
    if (!isMethodName(name)) {
      throw new ApiError({ code: 'unknown_method', message: `Unknown API method "${name}".` });
    }
    const input = validate(name, rawInput);
    // The input has just been validated against this method's own schema.
    const handler = table[name] as (input: unknown, context: ApiContext) => Promise<unknown>;
    return { ok: true, result: await handler(input, context) };
  } catch (error) {
    return { ok: false, error: error instanceof ApiError ? error.body : errorBody(error) };
  }
}
