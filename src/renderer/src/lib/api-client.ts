/**
 * The renderer's one way to reach the app. Inside Electron it goes through the preload
 * bridge; in a browser (the web shell) through fetch and a WebSocket on the same origin,
 * authenticated by the cookie the first page load set. Both carry the same contract.
 */
import type {
  ApiErrorBody,
  ApiEvents,
  CallResult,
  EventMessage,
  EventName,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../../../main/api/contract';

export class ApiCallError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiCallError';
  }
}

interface Transport {
  call(method: string, input: unknown): Promise<CallResult<unknown>>;
  onEvent(listener: (message: EventMessage) => void): () => void;
}

function webTransport(): Transport {
  const listeners = new Set<(message: EventMessage) => void>();
  let socket: WebSocket | null = null;
  let retryMs = 500;

  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/api/events`);
    socket = ws;
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as EventMessage;
      for (const listener of listeners) listener(message);
    };
    ws.onopen = () => {
      retryMs = 500;
    };
    // The web shell may restart; reconnect with backoff while anyone listens. A socket already
    // replaced (a listener arrived while it was closing) must not schedule a second one.
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (listeners.size > 0) {
        setTimeout(() => {
          if (socket === null && listeners.size > 0) connect();
        }, (retryMs = Math.min(retryMs * 2, 10_000)));
      }
    };
  };

  return {
    async call(method, input) {
      const response = await fetch(`/api/call/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
      if (response.headers.get('Content-Type')?.startsWith('application/json')) {
        return (await response.json()) as CallResult<unknown>;
      }
      const text = await response.text();
      return { ok: false, error: { code: 'internal', message: `${response.status}: ${text.trim()}` } };
    },
    onEvent(listener) {
      listeners.add(listener);
      // A screen that unmounted may have just closed the socket: open a new one at once rather
      // than after the reconnect delay, during which events (a run finishing) would be lost.
      if (socket === null || socket.readyState >= WebSocket.CLOSING) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close();
      };
    },
  };
}

export class ApiClient {
  constructor(private readonly transport: Transport) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const result = await this.transport.call(method, input);
    if (!result.ok) throw new ApiCallError(result.error);
    return result.result as MethodOutput<M>;
  }

  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    return this.transport.onEvent((message) => {
      if (message.event === event) listener(message.payload as ApiEvents[E]);
    });
  }
}

export const api = new ApiClient(window.hyperadapt ?? webTransport());
