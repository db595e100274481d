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
    expect(result.out?.startsWith(adapter!.path)).toBe(true);
    expect(result).toMatchObject({ total: 3, stoppedEarly: false });
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
    const lines = (await readFile(result.out!, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { line: number; base: { text: string }; adapted: { text: string } });
    expect(lines.map((l) => [l.line, l.base.text, l.adapted.text])).toEqual(result.samples.map((s) => [s.line, s.base, s.adapted]));
    // Greedy: a second run gives the same table.
    const again = await callApi(context, 'try.validation', { adapterId, maxPrompts: 3, maxNewTokens: 4 });
    expect(again.samples).toEqual(result.samples);

    expect(result.samples[0]!.prompt).toMatch(/^count /);
    expect(result.samples[0]!.reference).toMatch(/^\w+ \w+$/);
    expect(await dispatch('try.validation', { adapterId: 99 }, context)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await dispatch('try.validation', { adapterId, maxPrompts: 0 }, context)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('stops a validation run after the row it is on when cancelled, keeping the rows done and the last saved table', async () => {
    const { context, received, adapterId } = await trainedAdapter(await chatDataFile());
    expect(await callApi(context, 'try.savedValidation', { adapterId })).toEqual({ saved: null });
    const full = await callApi(context, 'try.validation', { adapterId, maxPrompts: 2, maxNewTokens: 4 });

    // The table read back is the one just made, with when it was written.
    const { saved } = await callApi(context, 'try.savedValidation', { adapterId });
    expect(saved).toMatchObject({ adapterId, out: full.out, samples: full.samples });
    expect(Date.parse(saved!.madeAt)).toBeGreaterThan(Date.now() - 60_000);

    // Cancelled as its first row arrives: that row is kept, no other starts, and the saved table stays.
    const requestId = 'validation-to-cancel';
    let cancelled: boolean | null = null;
    const unsubscribe = context.events.subscribe((message) => {
      if (message.event === 'try.validationProgress' && (message.payload as TryValidationProgressEvent).requestId === requestId) cancelled ??= context.library.tries.cancel(requestId);
    });
    const stopped = await callApi(context, 'try.validation', { adapterId, requestId, maxPrompts: 3, maxNewTokens: 4 });
    unsubscribe();
    expect(cancelled).toBe(true);
    expect(stopped).toMatchObject({ requestId, stoppedEarly: true, total: 3, out: null });
    expect(stopped.samples).toEqual(full.samples.slice(0, 1));
    expect(received.filter((m) => m.event === 'try.validationProgress' && (m.payload as TryValidationProgressEvent).requestId === requestId)).toHaveLength(1);
    expect((await callApi(context, 'try.savedValidation', { adapterId })).saved).toEqual(saved);
    // Over, so a second cancel has nothing to stop, and the id is free again.
    expect(await callApi(context, 'try.cancel', { requestId })).toEqual({ cancelled: false });
  });

  it('says which line of a damaged saved table is wrong, and that running again replaces it', async () => {
    const { context, adapterId } = await trainedAdapter(await chatDataFile());
    const [adapter] = await callApi(context, 'adapters.list', {});
    const file = join(adapter!.path, 'validation-samples.jsonl');
    const row = { line: 3, prompt: { messages: [{ role: 'user', content: 'count one' }] }, reference: 'two three', base: { text: 'x', tokens: 1, reason: 'length' }, adapted: { text: 'two', tokens: 1, reason: 'eos' } };
    await writeFile(file, JSON.stringify(row) + '\n{"line": 4, "prompt"\n');
    const damaged = await dispatch('try.savedValidation', { adapterId }, context);
    expect(damaged).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining(`${file}:2: not valid JSON`) } });
    if (!damaged.ok) expect(damaged.error.message).toMatch(/Run the validation comparison again to replace it\.$/);

    await writeFile(file, JSON.stringify({ ...row, base: 'not a pane' }) + '\n');
    expect(await dispatch('try.savedValidation', { adapterId }, context)).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining(`${file}:1: not a validation row: base`) } });

    await writeFile(file, JSON.stringify(row) + '\n');
    expect((await callApi(context, 'try.savedValidation', { adapterId })).saved?.samples).toEqual([{ line: 3, prompt: 'count one', reference: 'two three', base: 'x', adapted: 'two' }]);
    expect(await dispatch('try.savedValidation', { adapterId: 99 }, context)).toMatchObject({ ok: false, error: { code: 'not_found' } });
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
