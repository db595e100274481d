/** `hyperadapt models …`: the base models in the library. */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { callApi } from '../../api/call';
import type { ModelRecord } from '../../api/contract';
import { addLabelCommands } from '../label-commands';
import { withLibrary } from '../library-session';
import { createOutput } from '../output';
import { positiveInt } from '../parse';
import { formatBytes, formatCount, formatTable } from '../table';

function describe(model: ModelRecord): string {
  return [
    `Model ${model.id}: ${model.name}`,
    `  ${model.architecture}, ${formatCount(model.parameterCount)} parameters (${model.dtype}), ${formatCount(model.hyperAdaptParameterCount)} HyperAdapt parameters on every linear`,
    `  in the library at ${model.path} (${model.linked ? 'hard links to' : 'a copy of'} ${model.sourcePath}), ${formatBytes(model.sizeBytes)}`,
    `  config sha256 ${model.configSha256}`,
    ...model.weightFiles.map((f) => `  ${f.file}: ${formatBytes(f.bytes)}, sha256 ${f.sha256}`),
    ...(model.tags.length > 0 ? [`  tags: ${model.tags.join(', ')}`] : []),
  ].join('\n');
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('base models in the library');

  models
    .command('list')
    .description('list the models')
    .option('--json', 'print a JSON array')
    .action(async (flags: { json?: boolean }) => {
      const out = createOutput(Boolean(flags.json));
      const list = await withLibrary((context) => callApi(context, 'models.list', {}));
      out.result(list, () =>
        formatTable(
          ['ID', 'NAME', 'ARCHITECTURE', 'PARAMETERS', 'DTYPE', 'SIZE', 'TAGS'],
          list.map((m) => [String(m.id), m.name, m.architecture, formatCount(m.parameterCount), m.dtype, formatBytes(m.sizeBytes), m.tags.join(',')]),
        ),
      );
    });

  models
    .command('show')
    .description('show one model with its hashes')
    .argument('<id>', 'model id', positiveInt)
    .option('--json', 'print a JSON object')
    .action(async (id: number, flags: { json?: boolean }) => {
      const model = await withLibrary((context) => callApi(context, 'models.get', { id }));
      createOutput(Boolean(flags.json)).result(model, () => describe(model));
    });

  models
    .command('add <folder>')
    .description('add a Hugging Face model folder (hard links where possible, else a copy; the folder is never modified)')
    .option('--name <name>', 'name in the library (default: the repository or folder name)')
    .option('--copy', 'copy the files even where hard links would work')
    .option('--json', 'print a JSON object')
    .action(async (folder: string, flags: { name?: string; copy?: boolean; json?: boolean }) => {
      const out = createOutput(Boolean(flags.json));
      const bar = !flags.json && process.stdout.isTTY ? new SingleBar({ format: 'adding |{bar}| {percentage}% · {file}', hideCursor: true }) : null;
      const result = await withLibrary(async (context) => {
        context.events.subscribe(({ event, payload }) => {
          if (event !== 'models.addProgress' || !bar) return;
          const progress = payload as { bytesDone: number; bytesTotal: number; file: string | null; phase: string };
          if (progress.phase === 'bringing' && !bar.isActive) bar.start(progress.bytesTotal, 0, { file: '' });
          if (bar.isActive) bar.update(progress.bytesDone, { file: progress.phase === 'hashing' ? 'hashing' : (progress.file ?? '') });
        });
        try {
          return await callApi(context, 'models.add', { path: folder, ...(flags.name ? { name: flags.name } : {}), ...(flags.copy ? { copy: true } : {}) });
        } finally {
          bar?.stop();
        }
      });
      out.result(result, () =>
        [
          result.added ? `Added model ${result.model.id}: ${result.model.name}` : `Already in the library as model ${result.model.id}: ${result.model.name}`,
          ...result.skipped.map((entry) => `  skipped ${entry}`),
        ].join('\n'),
      );
    });

  addLabelCommands(models, {
    kind: 'model',
    rename: (context, id, name) => callApi(context, 'models.rename', { id, name }),
    tag: (context, id, tags) => callApi(context, 'models.tag', { id, tags }),
    remove: { what: 'and its library folder (refused while runs or adapters use it)', call: (context, id) => callApi(context, 'models.delete', { id }) },
  });
}
