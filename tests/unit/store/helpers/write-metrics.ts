/**
 * Child process for the concurrent-writers test: writes `count` metric points of one split for
 * a run, each in its own transaction with the run's progress (as the RunManager does per step),
 * then prints when its first and last writes committed. Writing starts at <start at> (ms since
 * the epoch), so two writers started a moment apart still write at the same time.
 *   node --require tsx/cjs write-metrics.ts <data folder> <run id> <split> <count> <start at>
 */
import { Library } from '../../../../src/main/store/library';
import { recordMetric } from '../../../../src/main/store/metrics';
import type { MetricSplit } from '../../../../src/main/store/records';
import { updateRunProgress } from '../../../../src/main/store/runs';

const [dataDirectory, runArg, split, countArg, startArg] = process.argv.slice(2) as [string, string, MetricSplit, string, string];
const runId = Number(runArg);
const library = Library.open(dataDirectory);
const wait = Number(startArg) - Date.now();
if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait); // a synchronous sleep
const times: number[] = [];
for (let step = 1; step <= Number(countArg); step++) {
  library.db.transaction(() => {
    recordMetric(library, runId, { step, split, loss: step / 1000, learningRate: 0.1, tokensPerSecond: 100, gradNorm: 1, tokens: 16 });
    updateRunProgress(library, runId, { step });
  })();
  times.push(Date.now());
}
library.close();
process.stdout.write(JSON.stringify({ first: times[0], last: times.at(-1) }) + '\n');
