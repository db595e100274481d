/** A tiny typed event bus: handlers emit, transports subscribe and forward to their clients. */
import type { ApiEvents, EventMessage, EventName } from './contract';

export type EventListener = (message: EventMessage) => void;

export class ApiEventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    const message = { event, payload } as EventMessage;
    for (const listener of this.listeners) listener(message);
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
