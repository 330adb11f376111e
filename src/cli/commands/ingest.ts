import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { IngestError, ingestOutcomes, type IngestProgress, type IngestReport } from '../../pipeline/ingest';
import { readSources } from '../../sources/read-sources';
import { loadVcenterScopes } from '../../sources/vsphere/checkpoint';
import { SOURCE_NAMES, type SourceName } from '../../sources/types';
import { EXIT } from '../exit-codes';
import type { CommandRunner } from '../main';
import { addStoreOptions, withStore, type StoreCliOptions } from '../store-options';
import { terminalSafe } from '../terminal-text';

interface IngestCliOptions extends StoreCliOptions {
  source?: SourceName;
  host?: string;
  json?: boolean;
}

export function register(program: Command, run: CommandRunner): void {
  const cmd = program
    .command('ingest')
    .description('Store events and inventory from files or directories (vCenter, Nova, RVTools, Proxmox, libvirt, canonical)')
    .argument('<path...>', 'files or directories (read recursively)')
    .addOption(new Option('--source <source>', 'force one normaliser instead of detecting per file').choices([...SOURCE_NAMES]))
    .option('--host <id>', 'libvirt: host the `virsh event` output came from, when the file does not say')
    .option('--json', 'print the report as JSON');
  addStoreOptions(cmd).action((paths: string[], opts: IngestCliOptions) =>
    run(async () => {
      const bar = !opts.json && process.stderr.isTTY ? progressBar() : undefined;
      let report: IngestReport;
      try {
        report = await withStore(opts, async (store) =>
          ingestOutcomes(
            store,
            readSources(paths, {
              ...(opts.source && { source: opts.source }),
              ...(opts.host !== undefined && { host: opts.host }),
              // VEBA events of a vCenter the vSphere collector has read name its entities the same way.
              vcenterScopes: await loadVcenterScopes(store),
            }),
            bar ? { onProgress: bar.update } : {},
          ),
        ).finally(() => bar?.stop());
      } catch (err) {
        if (!(err instanceof IngestError)) throw err;
        // The store failed mid-way: one line saying what was stored, and how to finish (re-run; stored events count as duplicates).
        process.stderr.write(`hyperaudit: ${terminalSafe(err.message)}\n`);
        if (process.env.HYPERAUDIT_DEBUG && err.cause instanceof Error) process.stderr.write(`${err.cause.stack}\n`);
        return EXIT.internal;
      }
      process.stdout.write(opts.json ? `${JSON.stringify(jsonReport(report), null, 2)}\n` : humanReport(report));
      return report.rejected.length > 0 ? EXIT.rejected : EXIT.ok;
    }),
  );
}

/** The documented --json shape; `subjects` stays internal (it can be as large as the fleet). */
function jsonReport(report: IngestReport) {
  const { accepted, duplicates, ignored, rejected, bySource } = report;
  return { accepted, duplicates, ignored, rejected, bySource };
}

function progressBar() {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'ingesting | {processed} records | {accepted} stored | {duplicates} duplicates | {ignored} ignored | {rejected} rejected',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(0, 0, { processed: 0, accepted: 0, duplicates: 0, ignored: 0, rejected: 0 });
  return {
    update: (p: IngestProgress) => bar.update(p.processed, { ...p }),
    stop: () => bar.stop(),
  };
}

function humanReport(report: IngestReport): string {
  const lines = [
    `${report.accepted} event(s) stored, ${report.duplicates} duplicate(s), ${report.ignored.length} ignored, ${report.rejected.length} rejected`,
  ];
  for (const [source, c] of Object.entries(report.bySource).sort()) {
    lines.push(`  ${source}: ${c.accepted} stored, ${c.duplicates} duplicate(s), ${c.ignored} ignored, ${c.rejected} rejected`);
  }
  const reasons = new Map<string, number>();
  for (const i of report.ignored) reasons.set(i.reason, (reasons.get(i.reason) ?? 0) + 1);
  if (reasons.size > 0) {
    lines.push('ignored (changes nothing in inventory):');
    for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1])) lines.push(`  ${n} × ${terminalSafe(reason)}`);
  }
  if (report.rejected.length > 0) {
    lines.push('rejected:');
    for (const r of report.rejected) {
      const where = r.record !== undefined ? `${r.file}:${r.record}` : r.file;
      const field = r.field !== undefined ? ` (field ${r.field})` : '';
      lines.push(`  ${terminalSafe(where)}: ${terminalSafe(r.reason)}${terminalSafe(field)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
