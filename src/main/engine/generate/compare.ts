/**
 * Side by side: the same prompt through the base model (a = b = 1) and the adapted one, on one
 * session, their steps interleaved so both panes fill at the same pace. The two generations
 * sample with equal seeds, so where the outputs differ, the adapter made them differ.
 */
import { type GenerateOptions, Generation, type StepSession, type GenerationEvent, type GenerationResult } from './generation';

export type Pane = 'base' | 'adapted';
export type PaneEvent = GenerationEvent & { readonly pane: Pane };

/** The adapter vectors of the two panes: the identity for the base model, the trained vector for the other. */
export interface PaneParams {
  readonly base: Float32Array;
  readonly adapted: Float32Array;
}

/** Events of both panes, alternating while both run; each pane ends with its 'end' event. */
export async function* compareStream(session: StepSession, prompt: readonly number[], params: PaneParams, options: GenerateOptions): AsyncGenerator<PaneEvent> {
  const panes: [Pane, Generation][] = [
    ['base', await Generation.start(session, prompt, params.base, options)],
    ['adapted', await Generation.start(session, prompt, params.adapted, options)],
  ];
  while (panes.some(([, g]) => !g.done)) {
    for (const [pane, generation] of panes) {
      if (generation.done) continue;
      yield { pane, type: 'token', ...(await generation.step()) };
      if (generation.done) yield { pane, type: 'end', result: generation.result };
    }
  }
}

/** Both panes run to the end; their results. */
export async function compare(session: StepSession, prompt: readonly number[], params: PaneParams, options: GenerateOptions): Promise<Record<Pane, GenerationResult>> {
  const results: Partial<Record<Pane, GenerationResult>> = {};
  for await (const event of compareStream(session, prompt, params, options)) if (event.type === 'end') results[event.pane] = event.result;
  return { base: results.base!, adapted: results.adapted! };
}
