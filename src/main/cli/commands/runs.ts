/**
 * `hyperadapt runs …`: training runs in the library. `runs start` and `runs resume` train in
 * this process until the run ends; pause and cancel reach a run another process is training
 * through the library (its owner acts within a second).
 */
import type { Command } from 'commander';
import { callApi } from '../../api/call';
import type { ApiContext } from '../../api/context';
import { formatAbout } from '../../api/about-duration';
import type { RunDetail, RunRecord, RunStatus, SpeedEstimate } from '../../api/contract';
import { RUN_STATUSES } from '../../store/records';
import { addLabelCommands } from '../label-commands';
import { asId, withLibrary } from '../library-session';
import { createOutput } from '../output';
import { oneOf, positiveInt } from '../parse';
import { followRun } from '../run-follower';
import { formatCount, formatDuration, formatLoss, formatTable } from '../table';
import { addTrainingFlags, trainingSettings, type TrainingFlags } from '../training-flags';

interface StartFlags extends TrainingFlags {
  model: string;
  data: string;
  name?: string;
  json?: boolean;
}

function describeEstimate(e: SpeedEstimate): string {
  const perStep = e.secondsPerStep < 1 ? `${Math.round(e.secondsPerStep * 1000)} ms` : `${e.secondsPerStep.toFixed(1)} s`;
  const validation = e.evaluations > 0 ? `, plus ${e.evaluations} validation passes` : '';
  const about = formatAbout(e.totalSeconds);
  return [
    `${about.charAt(0).toUpperCase()}${about.slice(1)}: ${formatCount(e.totalSteps)} steps at ${perStep} a step on the ${e.device === 'cuda' ? 'GPU' : 'CPU'}${validation}.`,
    `  ${formatCount(Math.round(e.tokensPerSecond))} tokens/s over ${e.measuredSteps} timed steps after ${e.warmupSteps} warm-up; ${formatCount(e.trainRows)} training rows, ${formatCount(e.validationRows)} for validation.`,
  ].join('\n');
}

function describe(detail: RunDetail): string {
  const { run, model, dataset, checkpoints, adapter } = detail;
  return [
    `Run ${run.id}: ${run.name} (${run.status}${run.stopReason === 'early-stopped' ? ', stopped early' : ''})`,
    `  model ${model.id} ${model.name}, dataset ${dataset.id} ${dataset.name}`,
    `  step ${run.step}${run.totalSteps === null ? '' : ` of ${run.totalSteps}`}${run.device ? ` on ${run.device}` : ''}`,
    `  settings: ${JSON.stringify(run.settings)}`,
    ...(run.error ? [`  error: ${run.error}`] : []),
    `  folder: ${run.path}`,
    ...checkpoints.map((c) => `  checkpoint step ${c.step}: ${c.status}${c.problem ? ` (${c.problem})` : ''}`),
    ...(adapter ? [`  adapter ${adapter.id}: ${adapter.name}`] : []),
    ...(run.tags.length > 0 ? [`  tags: ${run.tags.join(', ')}`] : []),
    ...(run.notes ? [`  notes: ${run.notes}`] : []),
  ].join('\n');
}

/** A library id as given, or the id of the entry a path adds (the same one when already there). */
async function modelId(context: ApiContext, value: string, info: (line: string) => void): Promise<number> {
  const id = asId(value);
  if (id !== null) return id;
  const { model, added } = await callApi(context, 'models.add', { path: value });
  info(added ? `Added model ${model.id}: ${model.name}` : `Using model ${model.id}: ${model.name}`);
  return model.id;
}

async function datasetId(context: ApiContext, value: string, info: (line: string) => void): Promise<number> {
  const id = asId(value);
  if (id !== null) return id;
  const { dataset, added } = await callApi(context, 'datasets.add', { path: value });
  info(added ? `Added dataset ${dataset.id}: ${dataset.name}` : `Using dataset ${dataset.id}: ${dataset.name}`);
  return dataset.id;
}

/** After pause, resume or cancel: what happened, in words. */
function actionResult(context: ApiContext, run: RunRecord, verb: string): string {
  if (context.library.runs.owns(run.id)) return `Run ${run.id} is ${run.status}.`;
  return `Asked the process training run ${run.id} to ${verb} it after its current step.`;
}

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('training runs in the library');

  runs
    .command('list')
    .description('list the runs')
    .option('--status <status>', `only runs in this status (${RUN_STATUSES.join(', ')})`, oneOf<RunStatus>(RUN_STATUSES))
    .option('--model <id>', 'only runs of this model', positiveInt)
    .option('--dataset <id>', 'only runs on this dataset', positiveInt)
    .option('--json', 'print a JSON array')
    .action(async (flags: { status?: RunStatus; model?: number; dataset?: number; json?: boolean }) => {
      const list = await withLibrary((context) =>
        callApi(context, 'runs.list', { ...(flags.status ? { status: flags.status } : {}), ...(flags.model ? { modelId: flags.model } : {}), ...(flags.dataset ? { datasetId: flags.dataset } : {}) }),
      );
      createOutput(Boolean(flags.json)).result(list, () =>
        formatTable(
          ['ID', 'NAME', 'STATUS', 'MODEL', 'DATASET', 'STEP', 'CREATED', 'TAGS'],
          list.map((r) => [String(r.id), r.name, r.status, String(r.modelId), String(r.datasetId), `${r.step}/${r.totalSteps ?? '?'}`, r.createdAt.slice(0, 16).replace('T', ' '), r.tags.join(',')]),
        ),
      );
    });

  runs
    .command('show')
    .description('show a run with its checkpoints and adapter')
    .argument('<id>', 'run id', positiveInt)
    .option('--json', 'print a JSON object')
    .action(async (id: number, flags: { json?: boolean }) => {
      const detail = await withLibrary((context) => callApi(context, 'runs.get', { id }));
      createOutput(Boolean(flags.json)).result(detail, () => describe(detail));
    });

  runs
    .command('metrics')
    .description("a run's loss, learning rate and throughput per step")
    .argument('<id>', 'run id', positiveInt)
    .option('--json', 'print a JSON array')
    .action(async (id: number, flags: { json?: boolean }) => {
      const points = await withLibrary((context) => callApi(context, 'runs.metrics', { id }));
      createOutput(Boolean(flags.json)).result(points, () =>
        formatTable(
          ['STEP', 'SPLIT', 'LOSS', 'LR', 'GRAD NORM', 'TOK/S'],
          points.map((p) => [String(p.step), p.split, formatLoss(p.loss), p.learningRate?.toExponential(2) ?? '-', p.gradNorm?.toFixed(3) ?? '-', p.tokensPerSecond === null ? '-' : String(Math.round(p.tokensPerSecond))]),
        ),
      );
    });

  runs
    .command('compare')
    .description('runs side by side: settings that differ, results and loss curves')
    .argument('<ids...>', 'two or more run ids', (value: string, previous: number[] = []) => [...previous, positiveInt(value)])
    .option('--json', 'print a JSON object')
    .action(async (ids: number[], flags: { json?: boolean }) => {
      const comparison = await withLibrary((context) => callApi(context, 'runs.compare', { ids }));
      createOutput(Boolean(flags.json)).result(comparison, () =>
        [
          formatTable(
            ['RUN', 'NAME', 'STATUS', 'FINAL LOSS', 'BEST VAL LOSS', 'AT STEP', 'TIME'],
            comparison.runs.map((e) => [String(e.run.id), e.run.name, e.run.status, formatLoss(e.finalLoss), formatLoss(e.bestValidationLoss), e.bestValidationStep === null ? '-' : String(e.bestValidationStep), e.durationMs === null ? '-' : formatDuration(e.durationMs)]),
          ),
          '',
          comparison.differences.length === 0 ? 'Same settings, model and dataset.' : formatTable(['DIFFERS', ...comparison.runs.map((e) => `RUN ${e.run.id}`)], comparison.differences.map((d) => [d.key, ...d.values.map((value) => JSON.stringify(value))])),
        ].join('\n'),
      );
    });

  const start = runs
    .command('start')
    .description('train a model of the library on a dataset, in this process until the run ends (Ctrl-C cancels with a checkpoint)')
    .requiredOption('--model <id|folder>', 'a model id, or a model folder to add to the library first')
    .requiredOption('--data <id|file>', 'a dataset id, or a data file to add to the library first')
    .option('--name <name>', 'name of the run (default: "<model> on <dataset>")');
  addTrainingFlags(start)
    .option('--json', 'one JSON line per step and per validation, then the run')
    .action(async (flags: StartFlags) => {
      const { model, data, name, json, ...settings } = flags;
      const out = createOutput(Boolean(json));
      await withLibrary(async (context) => {
        const input = { modelId: await modelId(context, model, out.info), datasetId: await datasetId(context, data, out.info), settings: trainingSettings(settings) };
        const run = await callApi(context, 'runs.start', { ...input, ...(name ? { name } : {}) });
        out.info(`Run ${run.id} "${run.name}" started.`);
        await followRun(context, run.id, out);
      });
    });

  const estimate = runs
    .command('estimate')
    .description('how long a run of these settings will take: a few real steps timed on this machine, nothing recorded')
    .requiredOption('--model <id|folder>', 'a model id, or a model folder to add to the library first')
    .requiredOption('--data <id|file>', 'a dataset id, or a data file to add to the library first');
  addTrainingFlags(estimate)
    .option('--json', 'print the estimate as one JSON object')
    .action(async (flags: Omit<StartFlags, 'name'>) => {
      const { model, data, json, ...settings } = flags;
      const out = createOutput(Boolean(json));
      await withLibrary(async (context) => {
        const input = { modelId: await modelId(context, model, out.info), datasetId: await datasetId(context, data, out.info), settings: trainingSettings(settings) };
        out.info('Timing a few training steps…');
        const measured = await callApi(context, 'runs.measureSpeed', input);
        if (measured.status === 'cancelled') throw new Error(measured.message);
        out.result(measured.estimate, () => describeEstimate(measured.estimate));
      });
    });

  runs
    .command('resume')
    .description('continue a run: a paused one where it is, a stopped one from its newest checkpoint whose files verify')
    .argument('<id>', 'run id', positiveInt)
    .option('--from-start', 'discard its progress and train it again from step 0')
    .option('--json', 'one JSON line per step and per validation, then the run')
    .action(async (id: number, flags: { fromStart?: boolean; json?: boolean }) => {
      const out = createOutput(Boolean(flags.json));
      await withLibrary(async (context) => {
        const run = await callApi(context, 'runs.resume', { id, ...(flags.fromStart ? { fromStart: true } : {}) });
        if (context.library.runs.owns(id)) await followRun(context, id, out);
        else out.result(run, () => actionResult(context, run, 'resume'));
      });
    });

  for (const [verb, method] of [
    ['pause', 'runs.pause'],
    ['cancel', 'runs.cancel'],
  ] as const) {
    runs
      .command(verb)
      .description(`${verb} a run after its current step${verb === 'cancel' ? ', with a checkpoint so it can be resumed' : ''}`)
      .argument('<id>', 'run id', positiveInt)
      .option('--json', 'print the run as JSON')
      .action(async (id: number, flags: { json?: boolean }) => {
        await withLibrary(async (context) => {
          const run = await callApi(context, method, { id });
          createOutput(Boolean(flags.json)).result(run, () => actionResult(context, run, verb));
        });
      });
  }

  addLabelCommands(runs, {
    kind: 'run',
    rename: (context, id, name) => callApi(context, 'runs.rename', { id, name }),
    tag: (context, id, tags) => callApi(context, 'runs.tag', { id, tags }),
    annotate: (context, id, notes) => callApi(context, 'runs.annotate', { id, notes }),
    remove: { what: 'with its folder, metrics and checkpoints (its adapter stays)', call: (context, id) => callApi(context, 'runs.delete', { id }) },
  });
}
