import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callApi } from '../../../src/main/api/call';
import type { EventMessage, TryDoneEvent, TryEndEvent, TryTokenEvent, TryValidationProgressEvent } from '../../../src/main/api/contract';
import { dispatch } from '../../../src/main/api/dispatch';
import { ApiEventBus } from '../../../src/main/api/events';
import type { ApiContext } from '../../../src/main/api/context';
import { tinyDataFile, tinyModelFolder } from '../store/helpers/fixtures';
import { QUICK } from '../store/helpers/library-run';
import { testContext } from './helpers/context';

/** A context with one trained tiny adapter, and every event it emits. */
async function chatDataFile(rows = 40): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'hyperadapt-try-')), 'chat.jsonl');
  const words = ['one', 'two', 'three', 'four', 'five'];
  const lines = Array.from({ length: rows }, (_, i) =>
    JSON.stringify({ messages: [{ role: 'user', content: `count ${words[i % 5]}` }, { role: 'assistant', content: `${words[(i + 1) % 5]} ${words[(i + 2) % 5]}` }] }),
  );
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

async function trainedAdapter(data?: string): Promise<{ context: ApiContext; received: EventMessage[]; adapterId: number; modelId: number }> {
  const events = new ApiEventBus();
  const received: EventMessage[] = [];
  events.subscribe((message) => received.push(message));
  const context = testContext(events);
  const { model } = await callApi(context, 'models.add', { path: await tinyModelFolder({ arch: 'qwen2', seed: 5 }), name: 'tiny' });
  const { dataset } = await callApi(context, 'datasets.add', { path: data ?? (await tinyDataFile(40)) });
  const started = await callApi(context, 'runs.start', { modelId: model.id, datasetId: dataset.id, settings: data ? { ...QUICK, maxLength: 128 } : QUICK });
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
    expect(await dispatch('try.compare', { adapterId, prompt: 'six' }, context)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it("runs the adapter's validation rows through both panes and keeps them as JSONL beside the adapter", async () => {
    const { context, received, adapterId } = await trainedAdapter(await chatDataFile());
    const result = await callApi(context, 'try.validation', { adapterId, maxPrompts: 3, maxNewTokens: 4 });
    expect(result.adapterId).toBe(adapterId);
    expect(result.samples).toHaveLength(3);
    const [adapter] = await callApi(context, 'adapters.list', {});
    expect(result.out.startsWith(adapter!.path)).toBe(true);
    for (const sample of result.samples) {
      expect(sample.line).toBeGreaterThan(0);
      expect(sample.prompt.length).toBeGreaterThan(0);
      expect(typeof sample.reference).toBe('string');
    }
    // One progress event per row, in order, each carrying its row.
    const progress = received.filter((m) => m.event === 'try.validationProgress').map((m) => m.payload as TryValidationProgressEvent);
    expect(progress.map((p) => [p.done, p.total])).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(progress.map((p) => p.sample)).toEqual(result.samples);
    // The file holds the same rows, one JSON record a line.
    const lines = (await readFile(result.out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { line: number; base: { text: string }; adapted: { text: string } });
    expect(lines.map((l) => [l.line, l.base.text, l.adapted.text])).toEqual(result.samples.map((s) => [s.line, s.base, s.adapted]));
    // Greedy: a second run gives the same table.
    const again = await callApi(context, 'try.validation', { adapterId, maxPrompts: 3, maxNewTokens: 4 });
    expect(again.samples).toEqual(result.samples);

    expect(result.samples[0]!.prompt).toMatch(/^count /);
    expect(result.samples[0]!.reference).toMatch(/^\w+ \w+$/);
    expect(await dispatch('try.validation', { adapterId: 99 }, context)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await dispatch('try.validation', { adapterId, maxPrompts: 0 }, context)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('refuses a missing adapter and bad input at the call', async () => {
    const context = testContext();
    const missing = await dispatch('try.compare', { adapterId: 99, prompt: 'hello' }, context);
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const empty = await dispatch('try.compare', { adapterId: 1, prompt: '   ' }, context);
    expect(empty).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'prompt', message: 'Type a prompt first.' }] } });
    const tooMany = await dispatch('try.compare', { adapterId: 1, prompt: 'x', maxNewTokens: 0 }, context);
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
