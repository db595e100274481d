/**
 * The Content-Security-Policy of every page the app shows, in the Electron window (as a meta
 * tag injected at build time) and in the web shell (as a response header). Nothing inline,
 * nothing remote: the renderer talks only to its own origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
].join('; ');
