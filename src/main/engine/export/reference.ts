/**
 * The in-app adapted model on the probes: base weights plus the adapter vector, through the same
 * generation graph "Try it" uses. This is what every export must reproduce.
 */
import { GenerationSession } from '../generate/generation-session';
import type { ExportSource } from './export-source';
import { greedyLogits, type Probe, probeTokens, runProbes } from './probes';

export async function referenceProbes(source: ExportSource): Promise<Probe[]> {
  const session = await GenerationSession.open(source.model, source.adapter.layout, { device: 'cpu' });
  try {
    return await runProbes(probeTokens(source.model), (prompt) => greedyLogits(session, source.adapter.vector, prompt));
  } finally {
    await session.release();
  }
}
