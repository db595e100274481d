import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../src/main/api/dispatch';
import { ApiEventBus } from '../../../src/main/api/events';
import { handlers, type Handlers } from '../../../src/main/api/handlers';
import { testContext } from './helpers/context';

const context = testContext(new ApiEventBus());

describe('dispatch', () => {
  it('refuses an unknown method by name', async () => {
    const result = await dispatch('system.nope', {}, context);
    expect(result).toEqual({ ok: false, error: { code: 'unknown_method', message: 'Unknown API method "system.nope".' } });
  });

  it('does not treat Object.prototype members as methods', async () => {
    const result = await dispatch('toString', {}, context);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('unknown_method');
  });

  it('rejects input that does not match the schema, naming the field', async () => {
    const result = await dispatch('system.info', { unexpected: 1 }, context);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.issues?.[0]?.path).toBe('unexpected');
    expect(result.error.message).toContain('system.info');
  });

  it('rejects a non-object input', async () => {
    const result = await dispatch('system.info', 'hello', context);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('invalid_input');
  });

  it('runs the handler with validated input', async () => {
    const result = await dispatch('system.info', {}, context);
    expect(result.ok).toBe(true);
  });

  it('turns a handler exception into an internal error with its message', async () => {
    const failing: Handlers = { ...handlers, 'system.info': () => Promise.reject(new Error('disk on fire')) };
    const result = await dispatch('system.info', {}, context, failing);
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'disk on fire' } });
  });
});

describe('ApiEventBus', () => {
  it('delivers events to subscribers until they unsubscribe', () => {
    const bus = new ApiEventBus();
    const seen: string[] = [];
    const unsubscribe = bus.subscribe((message) => seen.push(message.event));
    const usage = { at: 1, freeMemoryBytes: 1, totalMemoryBytes: 2, processRssBytes: 1, cpuLoad: 0 };
    bus.emit('system.usage', usage);
    expect(bus.listenerCount).toBe(1);
    unsubscribe();
    bus.emit('system.usage', usage);
    expect(seen).toEqual(['system.usage']);
    expect(bus.listenerCount).toBe(0);
  });
});
