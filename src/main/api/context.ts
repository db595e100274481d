/** What every handler is given: the event bus to push to, and the open library. */
import type { LibraryService } from './library-service';
import type { ApiEventBus } from './events';
import type { MethodInput, MethodName, MethodOutput } from './contract';

export interface ApiContext {
  events: ApiEventBus;
  library: LibraryService;
}

export type Handler<M extends MethodName> = (input: MethodInput<M>, context: ApiContext) => Promise<MethodOutput<M>>;
