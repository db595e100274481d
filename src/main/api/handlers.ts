/** The implementation of every method in the contract. The type below makes a missing one a compile error. */
import type { MethodInput, MethodName, MethodOutput } from './contract';
import type { ApiEventBus } from './events';
import { getSystemInfo } from '../system/system-info';

export interface ApiContext {
  events: ApiEventBus;
}

export type Handlers = {
  [M in MethodName]: (input: MethodInput<M>, context: ApiContext) => Promise<MethodOutput<M>>;
};

export const handlers: Handlers = {
  'system.info': () => getSystemInfo(),
};
