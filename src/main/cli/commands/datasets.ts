/** `hyperadapt datasets …`: the data files in the library. */
import type { Command } from 'commander';
import { callApi } from '../../api/call';
import type { DatasetRecord } from '../../api/contract';
import { FORMAT_NAMES, type ColumnMapping, type Format } from '../../data/formats';
import { TEXT_UNITS, type TextUnit } from '../../data/readers/txt';
import { addLabelCommands } from '../label-commands';
import { withLibrary } from '../library-session';
import { createOutput } from '../output';
import { columnMapping, oneOf, positiveInt } from '../parse';
import { formatBytes, formatCount, formatTable } from '../table';

function describe(dataset: DatasetRecord): string {
  return [
    `Dataset ${dataset.id}: ${dataset.name}`,
    `  ${dataset.format}, ${formatCount(dataset.rows)} rows, ${formatBytes(dataset.sizeBytes)}`,
    `  in the library at ${dataset.path} (a copy of ${dataset.sourcePath})`,
    `  sha256 ${dataset.contentSha256}`,
    ...(Object.keys(dataset.readOptions).length > 0 ? [`  read with ${JSON.stringify(dataset.readOptions)}`] : []),
    ...(dataset.report === null ? [] : ['  pre-flight report: stored with the dataset (--json shows it whole)']),
    ...(dataset.tags.length > 0 ? [`  tags: ${dataset.tags.join(', ')}`] : []),
  ].join('\n');
}

export function registerDatasets(program: Command): void {
  const datasets = program.command('datasets').description('training data in the library');

  datasets
    .command('list')
    .description('list the datasets')
    .option('--json', 'print a JSON array')
    .action(async (flags: { json?: boolean }) => {
      const list = await withLibrary((context) => callApi(context, 'datasets.list', {}));
      createOutput(Boolean(flags.json)).result(list, () =>
        formatTable(
          ['ID', 'NAME', 'FORMAT', 'ROWS', 'SIZE', 'TAGS'],
          list.map((d) => [String(d.id), d.name, d.format, formatCount(d.rows), formatBytes(d.sizeBytes), d.tags.join(',')]),
        ),
      );
    });

  datasets
    .command('show')
    .description('show one dataset')
    .argument('<id>', 'dataset id', positiveInt)
    .option('--json', 'print a JSON object')
    .action(async (id: number, flags: { json?: boolean }) => {
      const dataset = await withLibrary((context) => callApi(context, 'datasets.get', { id }));
      createOutput(Boolean(flags.json)).result(dataset, () => describe(dataset));
    });

  datasets
    .command('add')
    .description('copy a data file into the library (addressed by its content hash; the file is never modified)')
    .argument('<file>', 'data file')
    .option('--name <name>', 'name in the library (default: the file name)')
    .option('--format <format>', `read every row as this format (default: detected): ${FORMAT_NAMES.join(', ')}`, oneOf<Format>(FORMAT_NAMES))
    .option('--columns <field=column,…>', "the file's columns for our fields, e.g. prompt=question,completion=answer", columnMapping)
    .option('--text-unit <unit>', 'a .txt file: one row per line or per paragraph', oneOf<TextUnit>(TEXT_UNITS))
    .option('--drop-invalid-rows', 'keep the rows with errors out of every run on it (the file is not changed)')
    .option('--json', 'print a JSON object')
    .action(async (file: string, flags: { name?: string; format?: Format; columns?: ColumnMapping; textUnit?: TextUnit; dropInvalidRows?: boolean; json?: boolean }) => {
      const readOptions = {
        ...(flags.format ? { format: flags.format } : {}),
        ...(flags.columns ? { columns: flags.columns } : {}),
        ...(flags.textUnit ? { textUnit: flags.textUnit } : {}),
        ...(flags.dropInvalidRows ? { dropInvalidRows: true } : {}),
      };
      const result = await withLibrary((context) => callApi(context, 'datasets.add', { path: file, readOptions, ...(flags.name ? { name: flags.name } : {}) }));
      createOutput(Boolean(flags.json)).result(result, () =>
        result.added
          ? `Added dataset ${result.dataset.id}: ${result.dataset.name} (${result.dataset.format}, ${formatCount(result.dataset.rows)} rows)`
          : `Already in the library as dataset ${result.dataset.id}: ${result.dataset.name}`,
      );
    });

  addLabelCommands(datasets, {
    kind: 'dataset',
    rename: (context, id, name) => callApi(context, 'datasets.rename', { id, name }),
    tag: (context, id, tags) => callApi(context, 'datasets.tag', { id, tags }),
    remove: { what: "and the library's copy (refused while runs use it)", call: (context, id) => callApi(context, 'datasets.delete', { id }) },
  });
}
