/** How a method is declared in the contract. Free of Node imports, like the contract itself. */
import type * as v from 'valibot';

/** A method's declaration. `output` exists for the type system only and is never set at run time. */
export interface MethodSpec<Input extends v.GenericSchema, Output> {
  readonly input: Input;
  readonly description: string;
  readonly output?: Output;
}

export function method<Output>() {
  return <Input extends v.GenericSchema>(description: string, input: Input): MethodSpec<Input, Output> => ({
    input,
    description,
  });
}
