import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiEventBus } from '../../../src/main/api/events';
import { IPC_CALL, IPC_EVENT } from '../../../src/main/ipc-channels';
import { testContext } from './helpers/context';

// The Electron binary is not needed to test the IPC layer: ipcMain and windows are stand-ins.
const registered = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
const sent: unknown[][] = [];
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => registered.set(channel, handler),
    removeHandler: (channel: string) => registered.delete(channel),
  },
  BrowserWindow: { getAllWindows: () => [{ webContents: { send: (...args: unknown[]) => sent.push(args) } }] },
}));

const { serveApiOverIpc } = await import('../../../src/main/electron-ipc');

const RENDERER = 'file:///app/out/renderer/index.html';
const fromPage = (url: string) => ({ senderFrame: { url } });

describe('serveApiOverIpc', () => {
  let events: ApiEventBus;
  let stop: () => void;

  beforeEach(() => {
    registered.clear();
    sent.length = 0;
    events = new ApiEventBus();
    stop = serveApiOverIpc(testContext(events), RENDERER);
  });

  it('answers calls from the app page, validating their input', async () => {
    const handler = registered.get(IPC_CALL)!;
    const ok = (await handler(fromPage(RENDERER), 'system.info', {})) as { ok: boolean };
    expect(ok.ok).toBe(true);
    const bad = (await handler(fromPage(RENDERER), 'system.info', { extra: true })) as { ok: boolean; error: { code: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    stop();
  });

  it("carries a handler failure's code to the page", async () => {
    const handler = registered.get(IPC_CALL)!;
    const missing = await handler(fromPage(RENDERER), 'models.get', { id: 99 });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringMatching(/no model with id 99/) } });
    stop();
  });

  it('refuses calls from any other page', async () => {
    const handler = registered.get(IPC_CALL)!;
    const result = (await handler(fromPage('https://evil.example/'), 'system.info', {})) as { ok: boolean; error: { message: string } };
    expect(result.ok).toBe(false);
    expect(result.error.message).toMatch(/unknown page/);
    stop();
  });

  it('refuses a method name that is not a string', async () => {
    const handler = registered.get(IPC_CALL)!;
    const result = (await handler(fromPage(RENDERER), 42, {})) as { ok: boolean };
    expect(result.ok).toBe(false);
    stop();
  });

  it('forwards events to every window until stopped', () => {
    const usage = { at: 1, freeMemoryBytes: 1, totalMemoryBytes: 2, processRssBytes: 1, cpuLoad: 0 };
    events.emit('system.usage', usage);
    expect(sent).toEqual([[IPC_EVENT, { event: 'system.usage', payload: usage }]]);
    stop();
    events.emit('system.usage', usage);
    expect(sent).toHaveLength(1);
    expect(registered.has(IPC_CALL)).toBe(false);
  });
});
