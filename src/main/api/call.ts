/**
 * Calls an API method in this process, through dispatch (so input is validated exactly as for
 * the app and the web shell), returning its typed result or throwing an ApiError with the
 * failure's message and code. The CLI uses it: every command is an API call plus its presentation.
 */
import type { MethodInput, MethodName, MethodOutput } from './contract';
import type { ApiContext } from './context';
import { ApiError, dispatch } from './dispatch';

export async function callApi<M extends MethodName>(context: ApiContext, name: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await dispatch(name, input, context);
  // An ApiError's message is the error's own, so the CLI prints what it always printed; it also carries the code.
  if (!result.ok) throw new ApiError(result.error);
  // dispatch ran the handler of `name`, whose type is MethodOutput<M>.
  return result.result as MethodOutput<M>;
}
