import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiEventBus } from '../../../src/main/api/events';
import { startWebShell, type WebShell } from '../../../src/main/web/server';
import { INCOMING_MAX_AGE_MS, cleanIncoming, incomingDirectory, uploadNameProblem } from '../../../src/main/web/upload';
import type { UploadReply } from '../../../src/main/web/upload-protocol';
import { testContext } from '../api/helpers/context';

const TOKEN = 'upload-token-0123456789abcdef';
const LIMIT = 1024;
let staticDir: string;
let dataDirectory: string;
let shell: WebShell;

interface Reply {
  status: number;
  body: string;
}

function open(path: string, headers: Record<string, string | number>): { request: ClientRequest; reply: Promise<Reply> } {
  let request: ClientRequest | null = null;
  const reply = new Promise<Reply>((resolve, reject) => {
    request = httpRequest({ host: '127.0.0.1', port: shell.port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    request.on('error', reject);
  });
  return { request: request as unknown as ClientRequest, reply };
}

/** Raw HTTP, so the tests set every header. */
function upload(name: string | null, body: Buffer, headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }): Promise<Reply> {
  const query = name === null ? '' : `?name=${encodeURIComponent(name)}`;
  const { request, reply } = open(`/api/upload${query}`, { ...headers, 'Content-Length': body.length });
  request.end(body);
  return reply;
}

function parsed(reply: Reply): UploadReply {
  return JSON.parse(reply.body) as UploadReply;
}

async function incomingEntries(): Promise<string[]> {
  return readdir(incomingDirectory(dataDirectory)).catch(() => []);
}

beforeAll(async () => {
  staticDir = await mkdtemp(join(tmpdir(), 'hyperadapt-upload-static-'));
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  const context = testContext(new ApiEventBus());
  dataDirectory = context.library.library.dataDirectory;
  shell = await startWebShell({ staticDir, context, token: TOKEN, uploadLimitBytes: LIMIT });
});

afterAll(async () => {
  await shell.close();
  await rm(staticDir, { recursive: true, force: true });
});

describe('upload access', () => {
  it('refuses an upload without the token, or with a wrong one', async () => {
    expect((await upload('a.jsonl', Buffer.from('{}\n'), {})).status).toBe(401);
    expect((await upload('a.jsonl', Buffer.from('{}\n'), { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect(await incomingEntries()).toEqual([]);
  });

  it('refuses a foreign Origin or Host even with the token', async () => {
    const bearer = { Authorization: `Bearer ${TOKEN}` };
    expect((await upload('a.jsonl', Buffer.from('{}\n'), { ...bearer, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await upload('a.jsonl', Buffer.from('{}\n'), { ...bearer, Host: `evil.example:${shell.port}` })).status).toBe(403);
    expect(await incomingEntries()).toEqual([]);
  });

  it('takes the token from the cookie, as a browser sends it', async () => {
    const reply = await upload('cookie.jsonl', Buffer.from('{}\n'), { Cookie: `hyperadapt_token=${TOKEN}`, Origin: `http://127.0.0.1:${shell.port}` });
    expect(reply.status).toBe(200);
  });

  it('answers 405 to anything but POST', async () => {
    const reply = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: shell.port, path: '/api/upload?name=a.jsonl', headers: { Authorization: `Bearer ${TOKEN}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(reply).toBe(405);
  });
});

describe('upload names', () => {
  it.each([
    ['../escape.jsonl', /not a path/],
    ['sub/dir.jsonl', /not a path/],
    ['back\\slash.jsonl', /not a path/],
    ['.hidden.jsonl', /starts with a dot/],
    ['..', /starts with a dot/],
    ['bell\u0007.jsonl', /control characters/],
    ['what?.jsonl', /forbid/],
    ['trailing.jsonl ', /space/],
    ['nul.jsonl', /device name/],
    ['COM1.csv', /device name/],
    ['program.exe', /only data files/],
    ['no-extension', /only data files/],
    [`${'x'.repeat(250)}.jsonl`, /longer than 255 bytes/],
  ])('refuses %j', async (name, reason) => {
    expect(uploadNameProblem(name)).toMatch(reason);
    const reply = await upload(name, Buffer.from('{}\n'));
    expect(reply.status).toBe(400);
    const body = parsed(reply);
    expect(body.ok).toBe(false);
    if (!body.ok) expect(body.error.message).toMatch(reason);
  });

  it('refuses an upload without a name', async () => {
    const reply = await upload(null, Buffer.from('{}\n'));
    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/no file name/);
  });

  it('accepts ordinary names, spaces and accents included', () => {
    for (const name of ['chats.jsonl', 'Support chats (v2).JSONL', 'données.csv', 'rows.parquet', 'notes.txt', 'table.tsv']) {
      expect(uploadNameProblem(name)).toBeNull();
    }
  });

  it('writes nothing for a refused name', async () => {
    const before = await incomingEntries();
    await upload('../escape.jsonl', Buffer.from('{}\n'));
    expect(await incomingEntries()).toEqual(before);
    expect(existsSync(join(dataDirectory, 'escape.jsonl'))).toBe(false);
  });
});

describe('upload size', () => {
  it('refuses a declared size over the limit before reading it, saying what to do', async () => {
    const before = await incomingEntries();
    const reply = await upload('big.jsonl', Buffer.alloc(3 * LIMIT, 0x61));
    expect(reply.status).toBe(413);
    const body = parsed(reply);
    if (body.ok) throw new Error('accepted an upload over the limit');
    expect(body.error.message).toBe('This file is 3 KB, over the 1 KB limit for uploads. Type its path on the machine running HyperAdapt instead (copy it there first if it is elsewhere): a typed path is read in place.');
    expect(await incomingEntries()).toEqual(before);
  });

  it('refuses a chunked body that grows past the limit, and keeps no part of it', async () => {
    const before = await incomingEntries();
    const { request, reply } = open('/api/upload?name=chunked.jsonl', { Authorization: `Bearer ${TOKEN}`, 'Transfer-Encoding': 'chunked' });
    request.write(Buffer.alloc(800, 0x61));
    request.end(Buffer.alloc(800, 0x62));
    const answer = await reply;
    expect(answer.status).toBe(413);
    expect(answer.body).toMatch(/over the 1 KB limit/);
    expect(await incomingEntries()).toEqual(before);
  });

  it('takes a file of exactly the limit', async () => {
    const reply = await upload('exact.txt', Buffer.alloc(LIMIT, 0x61));
    expect(reply.status).toBe(200);
  });
});

describe('upload landing', () => {
  it('lands the whole file in incoming/<random>/<name> and answers its path', async () => {
    const content = Buffer.from('{"prompt":"2+2?","completion":"4"}\n'.repeat(20));
    const reply = await upload('sums.jsonl', content);
    expect(reply.status).toBe(200);
    const body = parsed(reply);
    if (!body.ok) throw new Error(body.error.message);
    expect(body.result.bytes).toBe(content.length);
    expect(basename(body.result.path)).toBe('sums.jsonl');
    expect(dirname(dirname(body.result.path))).toBe(incomingDirectory(dataDirectory));
    expect(await readFile(body.result.path)).toEqual(content);
    // No temp file left beside it.
    expect(await readdir(dirname(body.result.path))).toEqual(['sums.jsonl']);
  });

  it('gives two uploads of the same name folders of their own', async () => {
    const first = parsed(await upload('same.csv', Buffer.from('a,b\n1,2\n')));
    const second = parsed(await upload('same.csv', Buffer.from('a,b\n3,4\n')));
    if (!first.ok || !second.ok) throw new Error('an upload failed');
    expect(first.result.path).not.toBe(second.result.path);
    expect(await readFile(first.result.path, 'utf8')).toBe('a,b\n1,2\n');
    expect(await readFile(second.result.path, 'utf8')).toBe('a,b\n3,4\n');
  });

  it('shows nothing under the final name until the last byte is in', async () => {
    const before = new Set(await incomingEntries());
    const { request, reply } = open('/api/upload?name=slow.jsonl', { Authorization: `Bearer ${TOKEN}`, 'Content-Length': 8 });
    request.write('{"a":');
    // Wait for the server to have made the upload's folder and its hidden temp file.
    const folder = await vi.waitFor(async () => {
      const fresh = (await incomingEntries()).filter((name) => !before.has(name));
      expect(fresh).toHaveLength(1);
      const inside = await readdir(join(incomingDirectory(dataDirectory), fresh[0]!));
      expect(inside).toHaveLength(1);
      expect(inside[0]).toMatch(/^\.slow\.jsonl\..*\.tmp$/);
      return join(incomingDirectory(dataDirectory), fresh[0]!);
    });
    expect(existsSync(join(folder, 'slow.jsonl'))).toBe(false);
    request.end('1}\n');
    expect((await reply).status).toBe(200);
    expect(await readdir(folder)).toEqual(['slow.jsonl']);
    expect(await readFile(join(folder, 'slow.jsonl'), 'utf8')).toBe('{"a":1}\n');
  });

  it('leaves nothing behind when the client goes away mid-upload', async () => {
    const before = new Set(await incomingEntries());
    const { request, reply } = open('/api/upload?name=gone.jsonl', { Authorization: `Bearer ${TOKEN}`, 'Content-Length': 100 });
    reply.catch(() => undefined); // the connection is cut on purpose
    request.write('{"a":');
    await vi.waitFor(async () => expect((await incomingEntries()).filter((name) => !before.has(name))).toHaveLength(1));
    request.destroy();
    await vi.waitFor(async () => expect((await incomingEntries()).filter((name) => !before.has(name))).toEqual([]));
  });
});

describe('cleaning old uploads', () => {
  const now = Date.now();

  async function fakeUpload(root: string, name: string, ageMs: number): Promise<string> {
    const folder = join(incomingDirectory(root), name);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'data.jsonl'), '{}\n');
    const at = new Date(now - ageMs);
    await utimes(folder, at, at);
    return folder;
  }

  it('removes upload folders older than a day and keeps newer ones', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hyperadapt-incoming-'));
    const old = await fakeUpload(root, 'old', INCOMING_MAX_AGE_MS + 60_000);
    const fresh = await fakeUpload(root, 'fresh', INCOMING_MAX_AGE_MS - 60_000);
    expect(await cleanIncoming(root, INCOMING_MAX_AGE_MS, now)).toBe(1);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    await rm(root, { recursive: true, force: true });
  });

  it('does nothing when there is no incoming folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hyperadapt-incoming-'));
    expect(await cleanIncoming(root)).toBe(0);
    await rm(root, { recursive: true, force: true });
  });

  it('runs when a web shell starts', async () => {
    const context = testContext(new ApiEventBus());
    const root = context.library.library.dataDirectory;
    const old = await fakeUpload(root, 'stale', 2 * INCOMING_MAX_AGE_MS);
    const fresh = await fakeUpload(root, 'recent', 0);
    const second = await startWebShell({ staticDir, context, token: TOKEN });
    try {
      await vi.waitFor(() => expect(existsSync(old)).toBe(false));
      expect(existsSync(fresh)).toBe(true);
    } finally {
      await second.close();
    }
  });
});
