/** `hyperadapt adapters …` and `hyperadapt exports …`: trained adapters and what was exported from them. */
import type { Command } from 'commander';
import { callApi } from '../../api/call';
import type { AdapterRecord } from '../../api/contract';
import { addLabelCommands } from '../label-commands';
import { withLibrary } from '../library-session';
import { createOutput } from '../output';
import { positiveInt } from '../parse';
import { formatBytes, formatCount, formatLoss, formatTable } from '../table';

function describe(adapter: AdapterRecord): string {
  return [
    `Adapter ${adapter.id}: ${adapter.name}`,
    `  ${formatCount(adapter.parameterCount)} parameters on ${adapter.targetModules.join(', ')}`,
    `  trained on model ${adapter.modelId}${adapter.datasetId === null ? '' : ` with dataset ${adapter.datasetId}`}${adapter.runId === null ? ' (its run was deleted)' : ` by run ${adapter.runId}`}`,
    `  base: ${adapter.base.architecture}, config sha256 ${adapter.base.configSha256}`,
    `  at ${adapter.path}, weights sha256 ${adapter.weightsSha256}`,
    `  final loss ${formatLoss(adapter.metrics['loss'])}, validation loss ${formatLoss(adapter.metrics['val_loss'])}`,
    ...(adapter.tags.length > 0 ? [`  tags: ${adapter.tags.join(', ')}`] : []),
    ...(adapter.notes ? [`  notes: ${adapter.notes}`] : []),
  ].join('\n');
}

export function registerAdapters(program: Command): void {
  const adapters = program.command('adapters').description('trained adapters in the library');

  adapters
    .command('list')
    .description('list the adapters')
    .option('--model <id>', 'only those trained on this model', positiveInt)
    .option('--run <id>', 'only the one this run produced', positiveInt)
    .option('--json', 'print a JSON array')
    .action(async (flags: { model?: number; run?: number; json?: boolean }) => {
      const list = await withLibrary((context) =>
        callApi(context, 'adapters.list', { ...(flags.model ? { modelId: flags.model } : {}), ...(flags.run ? { runId: flags.run } : {}) }),
      );
      createOutput(Boolean(flags.json)).result(list, () =>
        formatTable(
          ['ID', 'NAME', 'MODEL', 'RUN', 'PARAMETERS', 'LOSS', 'VAL LOSS', 'TAGS'],
          list.map((a) => [String(a.id), a.name, String(a.modelId), a.runId === null ? '-' : String(a.runId), formatCount(a.parameterCount), formatLoss(a.metrics['loss']), formatLoss(a.metrics['val_loss']), a.tags.join(',')]),
        ),
      );
    });

  adapters
    .command('show')
    .description('show one adapter with its lineage')
    .argument('<id>', 'adapter id', positiveInt)
    .option('--json', 'print a JSON object')
    .action(async (id: number, flags: { json?: boolean }) => {
      const adapter = await withLibrary((context) => callApi(context, 'adapters.get', { id }));
      createOutput(Boolean(flags.json)).result(adapter, () => describe(adapter));
    });

  adapters
    .command('check')
    .description('check that an adapter fits a base model (same architecture, config and weight hashes)')
    .argument('<id>', 'adapter id', positiveInt)
    .requiredOption('--model <id>', 'model id', positiveInt)
    .option('--json', 'print a JSON object')
    .action(async (id: number, flags: { model: number; json?: boolean }) => {
      const check = await withLibrary((context) => callApi(context, 'adapters.checkLineage', { adapterId: id, modelId: flags.model }));
      createOutput(Boolean(flags.json)).result(check, () => (check.fits ? `Adapter ${id} fits model ${flags.model}.` : check.message));
      if (!check.fits) process.exitCode = 1;
    });

  addLabelCommands(adapters, {
    kind: 'adapter',
    rename: (context, id, name) => callApi(context, 'adapters.rename', { id, name }),
    tag: (context, id, tags) => callApi(context, 'adapters.tag', { id, tags }),
    annotate: (context, id, notes) => callApi(context, 'adapters.annotate', { id, notes }),
    remove: { what: 'with its folder and exports (export files outside the library stay)', call: (context, id) => callApi(context, 'adapters.delete', { id }) },
  });
}

export function registerExports(program: Command): void {
  const exports = program.command('exports').description('what was exported from the adapters');

  exports
    .command('list')
    .description('list the exports')
    .option('--adapter <id>', 'only those of this adapter', positiveInt)
    .option('--json', 'print a JSON array')
    .action(async (flags: { adapter?: number; json?: boolean }) => {
      const list = await withLibrary((context) => callApi(context, 'exports.list', flags.adapter ? { adapterId: flags.adapter } : {}));
      createOutput(Boolean(flags.json)).result(list, () =>
        formatTable(
          ['ID', 'ADAPTER', 'FORMAT', 'SIZE', 'VERIFIED', 'PATH'],
          list.map((e) => [String(e.id), String(e.adapterId), e.format, e.sizeBytes === null ? '-' : formatBytes(e.sizeBytes), e.verified === null ? '-' : e.verified ? 'yes' : 'NO', e.path]),
        ),
      );
    });

  exports
    .command('delete')
    .description('delete an export record, and its file when it is inside the library')
    .argument('<id>', 'export id', positiveInt)
    .option('--json', 'print the deleted id as JSON')
    .action(async (id: number, flags: { json?: boolean }) => {
      const deleted = await withLibrary((context) => callApi(context, 'exports.delete', { id }));
      createOutput(Boolean(flags.json)).result(deleted, () => `Deleted export ${deleted.id}.`);
    });
}
