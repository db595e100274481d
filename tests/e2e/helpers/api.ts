/** Calls the web shell's API from inside the page, with the page's token cookie, for seeding the library. */
import type { Page } from 'playwright-core';
import type { CallResult, MethodInput, MethodName, MethodOutput } from '../../../src/main/api/contract';

export async function pageCall<M extends MethodName>(page: Page, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await page.evaluate(
    async ([name, body]) => {
      const response = await fetch(`/api/call/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return (await response.json()) as CallResult<unknown>;
    },
    [method, input] as const,
  );
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.result as MethodOutput<M>;
}

/** Polls a run until it reaches one of the statuses. */
export async function waitForRun(page: Page, id: number, statuses: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { run } = await pageCall(page, 'runs.get', { id });
    if (statuses.includes(run.status)) return;
    if (Date.now() > deadline) throw new Error(`run ${id} is still ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Training settings that finish in a second or two on a tiny model. */
export const QUICK_RUN = { steps: 8, batchSize: 4, maxLength: 16, evalEvery: 4, saveEvery: 2, keepCheckpoints: 2, threads: 1, seed: 7 };
