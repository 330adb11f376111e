import type { Command } from 'commander';
import type { FleetStore, FutureEventRef, PurgeFutureResult } from '../../store/types';
import { clockSkewOption, futurePolicyFrom } from '../clock-skew-option';
import { EXIT } from '../exit-codes';
import type { CommandRunner } from '../main';
import { addStoreOptions, withStore, type StoreCliOptions } from '../store-options';
import { terminalSafe } from '../terminal-text';

interface EventsCliOptions extends StoreCliOptions {
  json?: boolean;
}

function listFuture(store: FleetStore): Promise<FutureEventRef[]> {
  if (!store.listFutureEvents) throw new Error('this store cannot list future-dated events');
  return store.listFutureEvents();
}

function purgeFuture(store: FleetStore): Promise<PurgeFutureResult> {
  if (!store.purgeFutureEvents) throw new Error('this store cannot purge future-dated events');
  return store.purgeFutureEvents();
}

/**
 * Operators' view of the clock-skew policy: events stored with a time too far ahead (before the policy
 * existed, or under a looser limit) are left out of the state; these commands show and delete them.
 */
export function register(program: Command, run: CommandRunner): void {
  const events = program
    .command('events')
    .description('Inspect stored events (clock-skew policy: future-dated events)');

  const future = events
    .command('future')
    .description("List stored events dated too far ahead of this machine's clock (left out of the state)")
    .option('--json', 'print them as JSON')
    .addOption(clockSkewOption());
  addStoreOptions(future).action((opts: EventsCliOptions) =>
    run(async () => {
      const limit = futurePolicyFrom(opts.maxClockSkew).maxAheadSeconds;
      const found = await withStore(opts, listFuture);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ limitSeconds: limit, events: found }, null, 2)}\n`);
        return EXIT.ok;
      }
      const lines = [
        `${found.length} stored event(s) dated more than ${limit} s ahead of this machine's clock (ignored by the state; \`hyperaudit events purge-future\` deletes them)`,
      ];
      for (const e of found)
        lines.push(
          `  ${e.time}  ${e.type}  ${e.kind} ${e.subject}  id ${e.eventId}${e.source !== undefined ? `  (${e.source})` : ''}`,
        );
      process.stdout.write(`${lines.map(terminalSafe).join('\n')}\n`);
      return EXIT.ok;
    }),
  );

  const purge = events
    .command('purge-future')
    .description('Delete stored events dated too far ahead, and their stamps from older snapshots')
    .option('--json', 'print {deleted, snapshotsRepaired} as JSON')
    .addOption(clockSkewOption());
  addStoreOptions(purge).action((opts: EventsCliOptions) =>
    run(async () => {
      const result = await withStore(opts, purgeFuture);
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(result)}\n`
          : `${result.deleted} future-dated event(s) deleted, ${result.snapshotsRepaired} snapshot(s) rewritten without them\n`,
      );
      return EXIT.ok;
    }),
  );
}
