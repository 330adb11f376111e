import cliProgress from 'cli-progress';
import { IngestError, ingestOutcomes, type IngestReport } from '../../app/ingest';
import type { SourceOutcome } from '../../sources/types';
import { EXIT } from '../exit-codes';
import { humanReport, jsonReport } from '../commands/ingest';
import { withStore, type StoreCliOptions } from '../store-options';
import { terminalSafe } from '../terminal-text';
import { progressWanted } from '../command-progress';

/** A progress bar on stderr when it is a terminal and --json is off; a no-op otherwise. */
export function collectProgress(
  label: string,
  enabled: boolean,
): { update(done: number, total: number): void; stop(): void } {
  if (!progressWanted(process.stderr, { json: !enabled })) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} | {bar} | {value}/{total}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(0, 0);
  return {
    update: (done, total) => {
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

/**
 * Stores what a collector produced through the same ingest as files (idempotent, rejections by field) and
 * prints the ingest report, plus the collector's own counts under `collected` in --json.
 */
export async function storeCollected(
  opts: StoreCliOptions & { json?: boolean },
  outcomes: SourceOutcome[],
  collected: Record<string, unknown>,
): Promise<number> {
  let report: IngestReport;
  try {
    report = await withStore(opts, (store) => ingestOutcomes(store, outcomes));
  } catch (err) {
    if (!(err instanceof IngestError)) throw err;
    process.stderr.write(`hyperaudit: ${terminalSafe(err.message)}\n`);
    return EXIT.internal;
  }
  if (opts.json) process.stdout.write(`${JSON.stringify({ collected, ...jsonReport(report) }, null, 2)}\n`);
  else {
    const what = Object.entries(collected)
      .map(([k, v]) => `${k} ${typeof v === 'string' ? terminalSafe(v) : JSON.stringify(v)}`)
      .join(', ');
    process.stdout.write(`collected: ${what}\n${humanReport(report)}`);
  }
  return report.rejected.length > 0 ? EXIT.rejected : EXIT.ok;
}
