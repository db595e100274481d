/**
 * rename, tag, notes and delete: the same four verbs for models, datasets, runs and adapters,
 * declared once here with the API calls each kind makes.
 */
import type { Command } from 'commander';
import type { ApiContext } from '../api/context';
import { withLibrary } from './library-session';
import { createOutput } from './output';
import { positiveInt } from './parse';

export interface LabelCalls {
  /** 'model', 'dataset', 'run' or 'adapter', for help and messages. */
  kind: string;
  rename: (context: ApiContext, id: number, name: string) => Promise<{ id: number; name: string }>;
  tag: (context: ApiContext, id: number, tags: string[]) => Promise<{ id: number; tags: string[] }>;
  annotate?: (context: ApiContext, id: number, notes: string) => Promise<{ id: number; notes: string }>;
  remove: { what: string; call: (context: ApiContext, id: number) => Promise<{ id: number }> };
}

export function addLabelCommands(group: Command, calls: LabelCalls): void {
  const { kind } = calls;
  const Kind = kind[0]!.toUpperCase() + kind.slice(1);

  group
    .command('rename')
    .description(`rename a ${kind}`)
    .argument('<id>', `${kind} id`, positiveInt)
    .argument('<name>', 'new name')
    .option('--json', 'print the updated record as JSON')
    .action(async (id: number, name: string, flags: { json?: boolean }) => {
      const entry = await withLibrary((context) => calls.rename(context, id, name));
      createOutput(Boolean(flags.json)).result(entry, () => `${Kind} ${entry.id} is now "${entry.name}".`);
    });

  group
    .command('tag')
    .description(`set a ${kind}'s tags (none: remove them all)`)
    .argument('<id>', `${kind} id`, positiveInt)
    .argument('[tags...]', 'tags')
    .option('--json', 'print the updated record as JSON')
    .action(async (id: number, tags: string[], flags: { json?: boolean }) => {
      const entry = await withLibrary((context) => calls.tag(context, id, tags));
      createOutput(Boolean(flags.json)).result(entry, () => `${Kind} ${entry.id} tags: ${entry.tags.join(', ') || '(none)'}`);
    });

  const { annotate } = calls;
  if (annotate) {
    group
      .command('notes')
      .description(`replace a ${kind}'s notes`)
      .argument('<id>', `${kind} id`, positiveInt)
      .argument('<text>', 'the notes ("" clears them)')
      .option('--json', 'print the updated record as JSON')
      .action(async (id: number, text: string, flags: { json?: boolean }) => {
        const entry = await withLibrary((context) => annotate(context, id, text));
        createOutput(Boolean(flags.json)).result(entry, () => `${Kind} ${entry.id} notes saved.`);
      });
  }

  group
    .command('delete')
    .description(`delete a ${kind} ${calls.remove.what}`)
    .argument('<id>', `${kind} id`, positiveInt)
    .option('--json', 'print the deleted id as JSON')
    .action(async (id: number, flags: { json?: boolean }) => {
      const deleted = await withLibrary((context) => calls.remove.call(context, id));
      createOutput(Boolean(flags.json)).result(deleted, () => `Deleted ${kind} ${deleted.id}.`);
    });
}
