/**
 * The web shell's access rule: every request carries the per-launch token, as ?token= on the
 * first page load (which sets a same-site cookie), then through that cookie or an
 * `Authorization: Bearer` header. Loopback alone is not enough: any local process or web page
 * could otherwise reach the API, so the Host and Origin headers are checked too.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'hyperadapt_token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(candidate: string | undefined | null, token: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

export type TokenSource = 'query' | 'cookie' | 'header';

/** Where a valid token came from, or null when the request has none (or a wrong one). */
export function findToken(request: IncomingMessage, url: URL, token: string): TokenSource | null {
  if (sameToken(url.searchParams.get('token'), token)) return 'query';
  if (sameToken(cookieValue(request.headers.cookie, TOKEN_COOKIE), token)) return 'cookie';
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ') && sameToken(authorization.slice(7), token)) return 'header';
  return null;
}

/** Blocks DNS rebinding: the Host must be the loopback address we listen on. */
export function hostAllowed(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

/** Browsers send Origin on cross-site requests and WebSocket upgrades; it must be our own. */
export function originAllowed(request: IncomingMessage, port: number): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // Non-browser clients (the CLI, tests) send none.
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}` || origin === `http://[::1]:${port}`;
}
