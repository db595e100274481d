/**
 * The web shell: the same API the Electron window gets, served over HTTP (calls) and a
 * WebSocket (events) on loopback, behind a random per-launch token. Used on headless
 * machines, on remote GPU boxes through an SSH tunnel, and by the end-to-end tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiErrorBody, CallResult } from '../api/contract';
import { dispatch } from '../api/dispatch';
import type { ApiContext } from '../api/handlers';
import { CONTENT_SECURITY_POLICY } from '../security/csp';
import { TOKEN_COOKIE, findToken, hostAllowed, newToken, originAllowed } from './auth';
import { serveStatic } from './static-files';
import { cleanIncoming, receiveUpload } from './upload';
import { UPLOAD_LIMIT_BYTES, UPLOAD_PATH } from './upload-protocol';

export interface WebShellOptions {
  /** The built renderer (out/renderer). */
  staticDir: string;
  context: ApiContext;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one otherwise. */
  token?: string;
  /** The largest file a browser may upload (a dropped data file); UPLOAD_LIMIT_BYTES unless a test sets it. */
  uploadLimitBytes?: number;
}

export interface WebShell {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const API_PREFIX = '/api/call/';
const EVENTS_PATH = '/api/events';

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(message + '\n');
}

const STATUS_FOR_ERROR: Record<ApiErrorBody['code'], number> = {
  unknown_method: 404,
  invalid_input: 400,
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  internal: 500,
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`Request body is larger than ${MAX_BODY_BYTES} bytes.`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function handleCall(name: string, request: IncomingMessage, response: ServerResponse, context: ApiContext) {
  if (request.method !== 'POST') return refuse(response, 405, 'API calls are POST requests with a JSON body.');
  let input: unknown = {};
  try {
    const body = await readBody(request);
    if (body.trim() !== '') input = JSON.parse(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const result: CallResult<never> = { ok: false, error: { code: 'invalid_input', message: `Body is not valid JSON: ${message}` } };
    return sendJson(response, 400, result);
  }
  const result = await dispatch(name, input, context);
  sendJson(response, result.ok ? 200 : STATUS_FOR_ERROR[result.error.code], result);
}

export function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = options.token ?? newToken();
  const dataDirectory = options.context.library.library.dataDirectory;
  // Dropped files that were never added would otherwise pile up; one day is plenty to add one.
  void cleanIncoming(dataDirectory); // never rejects: what it cannot remove waits for the next start
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const unsubscribe = options.context.events.subscribe((message) => {
    const text = JSON.stringify(message);
    for (const socket of sockets) socket.send(text);
  });

  let port = 0;
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (!hostAllowed(request, port)) return refuse(response, 403, 'Forbidden: unexpected Host header.');
    if (!originAllowed(request, port)) return refuse(response, 403, 'Forbidden: cross-origin request.');
    const source = findToken(request, url, token);
    if (source === null) {
      return refuse(response, 401, 'Unauthorized: open the full URL printed when the web shell started (it includes ?token=...).');
    }
    const headers: Record<string, string> = { ...SECURITY_HEADERS };
    if (source === 'query') {
      // HttpOnly: page scripts never see the token; SameSite=Strict: other sites cannot ride on it.
      headers['Set-Cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    if (url.pathname === UPLOAD_PATH) {
      const upload = { dataDirectory, limitBytes: options.uploadLimitBytes ?? UPLOAD_LIMIT_BYTES };
      void receiveUpload(request, url, upload).then(({ status, body }) => {
        // A refusal before the body was read: close the connection rather than read a big file for nothing.
        if (!request.complete) response.setHeader('Connection', 'close');
        sendJson(response, status, body);
      });
      return;
    }
    if (url.pathname.startsWith(API_PREFIX)) {
      void handleCall(decodeURIComponent(url.pathname.slice(API_PREFIX.length)), request, response, options.context);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'Method not allowed.');
    void serveStatic(options.staticDir, url.pathname, response, headers).then((served) => {
      if (!served) refuse(response, 404, `Not found: ${url.pathname}`);
    });
  });

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const allowed =
      url.pathname === EVENTS_PATH &&
      hostAllowed(request, port) &&
      originAllowed(request, port) &&
      findToken(request, url, token) !== null;
    if (!allowed) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // Events flow one way; anything a client sends is ignored.
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}/?token=${token}`,
        port,
        token,
        close: () =>
          new Promise<void>((done) => {
            unsubscribe();
            for (const socket of sockets) socket.terminate();
            wss.close();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
