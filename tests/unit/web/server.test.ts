import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiContext } from '../../../src/main/api/context';
import { ApiEventBus } from '../../../src/main/api/events';
import { createRun } from '../../../src/main/store/runs';
import { completeSettings } from '../../../src/main/store/run-options';
import { resolveStaticPath } from '../../../src/main/web/static-files';
import { startWebShell, type WebShell } from '../../../src/main/web/server';
import { tinyDataFile, tinyModelFolder } from '../store/helpers/fixtures';
import { testContext } from '../api/helpers/context';

const TOKEN = 'test-token-0123456789abcdef';
let dir: string;
let shell: WebShell;
let context: ApiContext;
const events = new ApiEventBus();

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP, so tests control every header (fetch would refuse to set Host). */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: shell.port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const bearer = { Authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hyperadapt-web-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(tmpdir(), 'hyperadapt-secret.txt'), 'secret');
  context = testContext(events);
  shell = await startWebShell({ staticDir: dir, context, token: TOKEN });
});

afterAll(async () => {
  await shell.close();
  await rm(dir, { recursive: true, force: true });
});

describe('web shell access', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/?token=${TOKEN}`);
  });

  it('refuses the page, assets and API without the token', async () => {
    expect((await send('/')).status).toBe(401);
    expect((await send('/assets/app.js')).status).toBe(401);
    expect((await send('/api/call/system.info', { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('refuses a wrong token', async () => {
    expect((await send('/?token=wrong')).status).toBe(401);
    expect((await send('/api/call/system.info', { method: 'POST', headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('serves the page for the token in the URL and sets an HttpOnly same-site cookie', async () => {
    const reply = await send(`/?token=${TOKEN}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<title>t</title>');
    expect(String(reply.headers['set-cookie'])).toMatch(/hyperadapt_token=.+; HttpOnly; SameSite=Strict/);
    expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('accepts the cookie for later requests', async () => {
    const reply = await send('/assets/app.js', { headers: { Cookie: `hyperadapt_token=${TOKEN}` } });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toContain('text/javascript');
  });

  it('blocks DNS rebinding through the Host header', async () => {
    const reply = await send(`/?token=${TOKEN}`, { headers: { Host: `evil.example:${shell.port}` } });
    expect(reply.status).toBe(403);
  });

  it('blocks cross-origin calls even with the token', async () => {
    const reply = await send('/api/call/system.info', { method: 'POST', headers: { ...bearer, Origin: 'http://evil.example' }, body: '{}' });
    expect(reply.status).toBe(403);
  });

  it('never serves files outside the renderer folder', async () => {
    const reply = await send('/..%2Fhyperadapt-secret.txt', { headers: bearer });
    expect(reply.status).toBe(404);
    expect(resolveStaticPath(dir, '/../hyperadapt-secret.txt')).toBeNull();
    expect(resolveStaticPath(dir, '/%2e%2e/x')).toBeNull();
    expect(resolveStaticPath(dir, '/assets/app.js')).toBe(join(dir, 'assets', 'app.js'));
  });
});

describe('web shell API', () => {
  it('calls a method and returns its result', async () => {
    const reply = await send('/api/call/system.info', { method: 'POST', headers: bearer, body: '{}' });
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body) as { ok: boolean; result: { cpu: { cores: number } } };
    expect(body.ok).toBe(true);
    expect(body.result.cpu.cores).toBeGreaterThan(0);
  });

  it('answers 400 with the field for invalid input, and for bad JSON', async () => {
    const invalid = await send('/api/call/system.info', { method: 'POST', headers: bearer, body: '{"x":1}' });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error.issues[0].path).toBe('x');
    const broken = await send('/api/call/system.info', { method: 'POST', headers: bearer, body: '{' });
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body).error.message).toMatch(/not valid JSON/);
  });

  it('answers 404 for an unknown method and 405 for GET', async () => {
    expect((await send('/api/call/nope', { method: 'POST', headers: bearer, body: '{}' })).status).toBe(404);
    expect((await send('/api/call/system.info', { headers: bearer })).status).toBe(405);
  });

  it('answers a handler failure with the status of its code: 404 missing, 400 not doable as asked, 409 in use', async () => {
    const call = async (name: string, input: unknown) => {
      const reply = await send(`/api/call/${name}`, { method: 'POST', headers: bearer, body: JSON.stringify(input) });
      const body = JSON.parse(reply.body) as { result?: unknown; error?: { code: string; message: string } };
      return { status: reply.status, ...body };
    };
    expect(await call('models.get', { id: 99 })).toMatchObject({ status: 404, error: { code: 'not_found', message: expect.stringMatching(/no model with id 99/) } });
    expect(await call('models.inspect', { path: dir })).toMatchObject({ status: 400, error: { code: 'bad_request', message: expect.stringMatching(/config\.json/) } });

    // A model a run still uses cannot be deleted: 409, with the store's reason.
    const { model } = (await call('models.add', { path: await tinyModelFolder({ seed: 3 }) })).result as { model: { id: number } };
    const { dataset } = (await call('datasets.add', { path: await tinyDataFile(8) })).result as { dataset: { id: number } };
    createRun(context.library.library, { name: 'uses it', modelId: model.id, datasetId: dataset.id, settings: completeSettings({}) });
    expect(await call('models.delete', { id: model.id })).toMatchObject({ status: 409, error: { code: 'conflict', message: expect.stringMatching(/still used by run/) } });
  });
});

describe('web shell events', () => {
  it('refuses a WebSocket without the token', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${shell.port}/api/events`);
    const outcome = await new Promise<string>((resolve) => {
      socket.on('open', () => resolve('open'));
      socket.on('error', (error) => resolve(error.message));
    });
    expect(outcome).toMatch(/401/);
  });

  it('pushes events to an authenticated WebSocket', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${shell.port}/api/events?token=${TOKEN}`);
    await new Promise((resolve) => socket.on('open', resolve));
    const received = new Promise<string>((resolve) => socket.on('message', (data) => resolve(String(data))));
    const usage = { at: 5, freeMemoryBytes: 1, totalMemoryBytes: 2, processRssBytes: 3, cpuLoad: 0.5 };
    events.emit('system.usage', usage);
    expect(JSON.parse(await received)).toEqual({ event: 'system.usage', payload: usage });
    socket.close();
  });
});
