/**
 * Child process for the concurrent-writers test: opens the library, says "ready", waits for a
 * line on stdin, then writes `count` metric points of one split for a run, each in its own
 * transaction with the run's progress (as the RunManager does per step, 1 ms apart), and prints when its
 * first and last writes committed.
 *   node --require tsx/cjs write-metrics.ts <data folder> <run id> <split> <count>
 */
import { createInterface } from 'node:readline';
import { Library } from '../../../../src/main/store/library';
import { recordMetric } from '../../../../src/main/store/metrics';
import type { MetricSplit } from '../../../../src/main/store/records';
import { updateRunProgress } from '../../../../src/main/store/runs';

const [dataDirectory, runArg, split, countArg] = process.argv.slice(2) as [string, string, MetricSplit, string];
const runId = Number(runArg);
const library = Library.open(dataDirectory);
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
lines.once('line', () => {
  lines.close();
  const times: number[] = [];
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let step = 1; step <= Number(countArg); step++) {
    library.db.transaction(() => {
      recordMetric(library, runId, { step, split, loss: step / 1000, learningRate: 0.1, tokensPerSecond: 100, gradNorm: 1, tokens: 16 });
      updateRunProgress(library, runId, { step });
    })();
    times.push(Date.now());
    // Training writes once per step, not in a tight loop: without a pause, whichever process holds
    // the lock first could write everything before the other's busy handler next looks.
    Atomics.wait(pause, 0, 0, 1);
  }
  library.close();
  process.stdout.write(JSON.stringify({ first: times[0], last: times.at(-1) }) + '\n');
});
