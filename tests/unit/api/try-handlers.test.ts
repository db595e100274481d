import { describe, expect, it } from 'vitest';
import { callApi } from '../../../src/main/api/call';
import type { EventMessage, TryDoneEvent, TryEndEvent, TryTokenEvent } from '../../../src/main/api/contract';
import { dispatch } from '../../../src/main/api/dispatch';
import { ApiEventBus } from '../../../src/main/api/events';
import type { ApiContext } from '../../../src/main/api/context';
import { tinyDataFile, tinyModelFolder } from '../store/helpers/fixtures';
import { QUICK } from '../store/helpers/library-run';
import { testContext } from './helpers/context';

/** A context with one trained tiny adapter, and every event it emits. */
async function trainedAdapter(): Promise<{ context: ApiContext; received: EventMessage[]; adapterId: number; modelId: number }> {
  const events = new ApiEventBus();
  const received: EventMessage[] = [];
  events.subscribe((message) => received.push(message));
  const context = testContext(events);
  const { model } = await callApi(context, 'models.add', { path: await tinyModelFolder({ arch: 'qwen2', seed: 5 }), name: 'tiny' });
  const { dataset } = await callApi(context, 'datasets.add', { path: await tinyDataFile(40) });
  const started = await callApi(context, 'runs.start', { modelId: model.id, datasetId: dataset.id, settings: QUICK });
  await context.library.runs.finished(started.id);
  const [adapter] = await callApi(context, 'adapters.list', { runId: started.id });
  return { context, received, adapterId: adapter!.id, modelId: model.id };
}

function ended(received: EventMessage[], requestId: string, timeoutMs = 30_000): Promise<TryEndEvent> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const end = received.find((m) => m.event === 'try.end' && (m.payload as TryEndEvent).requestId === requestId);
      if (end) resolve(end.payload as TryEndEvent);
      else if (Date.now() > deadline) reject(new Error(`no try.end for ${requestId}`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

describe('try API', () => {
  it('streams the base model and the adapter side by side, then cancels a second comparison', async () => {
    const { context, received, adapterId } = await trainedAdapter();

    const { requestId, chat } = await callApi(context, 'try.compare', { adapterId, prompt: 'one two three', maxNewTokens: 6, temperature: 0, seed: 1 });
    expect(chat).toBe(true); // the tiny model has a chat template: the prompt is sent as a user message
    expect(await ended(received, requestId)).toEqual({ requestId, outcome: 'completed', message: null });

    const ofRequest = received.filter((m) => (m.payload as { requestId?: string }).requestId === requestId);
    const tokens = ofRequest.filter((m) => m.event === 'try.token').map((m) => m.payload as TryTokenEvent);
    const done = ofRequest.filter((m) => m.event === 'try.done').map((m) => m.payload as TryDoneEvent);
    expect(done.map((d) => d.pane).sort()).toEqual(['adapted', 'base']);
    for (const { pane, result } of done) {
      // Each pane's streamed pieces add up to its final text, and the token limit holds.
      expect(tokens.filter((t) => t.pane === pane).map((t) => t.text).join('')).toBe(result.text);
      expect(result.tokens).toBeGreaterThan(0);
      expect(result.tokens).toBeLessThanOrEqual(6);
      expect(result.promptTokens).toBeGreaterThan(0);
    }
    // Both panes stream while the other runs: their tokens interleave, not one pane after the other.
    const panes = tokens.map((t) => t.pane);
    expect(panes.indexOf('adapted')).toBeLessThan(panes.lastIndexOf('base'));

    // The session is kept: a second comparison reuses it, and try.cancel stops it early.
    const second = await callApi(context, 'try.compare', { adapterId, prompt: 'four five', maxNewTokens: 4000 });
    expect(await callApi(context, 'try.cancel', { requestId: second.requestId })).toEqual({ cancelled: true });
    expect((await ended(received, second.requestId)).outcome).toBe('cancelled');
    expect(await callApi(context, 'try.cancel', { requestId: second.requestId })).toEqual({ cancelled: false });

    // A deleted adapter is refused even though its session is still cached.
    await callApi(context, 'adapters.delete', { id: adapterId });
    expect(await dispatch('try.compare', { adapterId, prompt: 'six' }, context)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('refuses a missing adapter and bad input at the call', async () => {
    const context = testContext();
    const missing = await dispatch('try.compare', { adapterId: 99, prompt: 'hello' }, context);
    expect(missing).toMatchObject({ ok: false, error: { code: 'internal' } });
    const empty = await dispatch('try.compare', { adapterId: 1, prompt: '   ' }, context);
    expect(empty).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'prompt', message: 'Type a prompt first.' }] } });
    const tooMany = await dispatch('try.compare', { adapterId: 1, prompt: 'x', maxNewTokens: 0 }, context);
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
