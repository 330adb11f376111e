import cliProgress from 'cli-progress';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { IngestError, ingestOutcomes, type IngestProgress, type IngestReport } from '../../app/ingest';
import { DEFAULT_DETAIL_LIMIT } from '../../app/outcome-tally';
import { DEFAULT_INPUT_LIMITS } from '../../sources/input-limits';
import { libvirtDomainIndex, type LibvirtDomainIndex } from '../../sources/libvirt/domain-index';
import { readSources } from '../../sources/read-sources';
import { loadVcenterScopes } from '../../sources/vsphere/checkpoint';
import { SOURCE_NAMES, type SourceName } from '../../sources/types';
import { clockSkewOption, futurePolicyFrom } from '../clock-skew-option';
import { EXIT } from '../exit-codes';
import type { CommandRunner } from '../main';
import { addStoreOptions, withStore, type StoreCliOptions } from '../store-options';
import { terminalSafe } from '../terminal-text';
import { progressWanted } from '../command-progress';

interface IngestCliOptions extends StoreCliOptions {
  source?: SourceName;
  host?: string;
  scope?: string;
  json?: boolean;
  maxClockSkew?: string;
  maxListed?: number;
  maxLineBytes?: number;
}

export function register(program: Command, run: CommandRunner): void {
  const cmd = program
    .command('ingest')
    .description(
      'Store events and inventory from files or directories (vCenter, Nova, RVTools, Proxmox, libvirt, PowerCLI, govc, Hyper-V, canonical)',
    )
    .argument('<path...>', 'files or directories (read recursively)')
    .addOption(
      new Option('--source <source>', 'force one normaliser instead of detecting per file').choices([...SOURCE_NAMES]),
    )
    .option('--host <id>', 'libvirt, govc host.*.ls, Hyper-V: host the output came from, when the file does not say')
    .option(
      '--scope <instance>',
      'PowerCLI, govc, Hyper-V exports: vCenter/ESXi server or Hyper-V host/cluster ids are scoped to, when the export does not say; Nova: the region or cell compute host ids are scoped to',
    )
    .option('--json', 'print the report as JSON')
    .addOption(clockSkewOption())
    .addOption(
      new Option(
        '--max-listed <n>',
        'ignored and rejected records listed in detail (each list); all are counted, per reason and per file',
      )
        .argParser(nonNegativeInt)
        .default(DEFAULT_DETAIL_LIMIT),
    )
    .addOption(
      new Option(
        '--max-line-bytes <n>',
        'longest NDJSON or virsh event line read; a longer one is refused and skipped unread',
      )
        .argParser(positiveInt)
        .default(DEFAULT_INPUT_LIMITS.maxLineBytes),
    );
  addStoreOptions(cmd).action((paths: string[], opts: IngestCliOptions) =>
    run(async () => {
      const future = futurePolicyFrom(opts.maxClockSkew);
      const bar = progressWanted(process.stderr, opts) ? progressBar() : undefined;
      let report: IngestReport;
      try {
        report = await withStore(opts, async (store) => {
          // `virsh event` lines name domains; collected ones are found by name on their host (loaded once, only if needed).
          let domains: Promise<LibvirtDomainIndex> | undefined;
          const libvirtDomains = () =>
            (domains ??= store.loadFleet().then((fleet) => libvirtDomainIndex(fleet.vms.values())));
          return ingestOutcomes(
            store,
            readSources(paths, {
              ...(opts.source && { source: opts.source }),
              ...(opts.host !== undefined && { host: opts.host }),
              ...(opts.maxLineBytes !== undefined && { limits: { maxLineBytes: opts.maxLineBytes } }),
              ...(opts.scope !== undefined && { scope: opts.scope }),
              future,
              libvirtDomains,
              // VEBA events of a vCenter the vSphere collector has read name its entities the same way.
              vcenterScopes: await loadVcenterScopes(store),
            }),
            {
              future,
              ...(bar && { onProgress: bar.update }),
              ...(opts.maxListed !== undefined && { detailLimit: opts.maxListed }),
            },
          );
        }).finally(() => bar?.stop());
      } catch (err) {
        if (!(err instanceof IngestError)) throw err;
        // The store failed mid-way: one line saying what was stored, and how to finish (re-run; stored events count as duplicates).
        process.stderr.write(`hyperaudit: ${terminalSafe(err.message)}\n`);
        if (process.env.HYPERAUDIT_DEBUG && err.cause instanceof Error) process.stderr.write(`${err.cause.stack}\n`);
        return EXIT.internal;
      }
      process.stdout.write(opts.json ? `${JSON.stringify(jsonReport(report), null, 2)}\n` : humanReport(report));
      return report.rejectedCount > 0 ? EXIT.rejected : EXIT.ok;
    }),
  );
}

/** The documented --json shape; `subjects` stays internal (it can be as large as the fleet). */
export function jsonReport(report: IngestReport) {
  const {
    accepted,
    duplicates,
    ignored,
    rejected,
    bySource,
    ignoredCount,
    rejectedCount,
    ignoredByReason,
    rejectedByReason,
    rejectedByFile,
  } = report;
  return {
    accepted,
    duplicates,
    ignored,
    rejected,
    bySource,
    ignoredCount,
    rejectedCount,
    ignoredByReason,
    rejectedByReason,
    rejectedByFile,
  };
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
}

function positiveInt(value: string): number {
  const n = nonNegativeInt(value);
  if (n === 0) throw new InvalidArgumentError('must be 1 or more');
  return n;
}

function progressBar() {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format:
        'ingesting | {processed} records | {accepted} stored | {duplicates} duplicates | {ignored} ignored | {rejected} rejected',
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

export function humanReport(report: IngestReport): string {
  const lines = [
    `${report.accepted} event(s) stored, ${report.duplicates} duplicate(s), ${report.ignoredCount} ignored, ${report.rejectedCount} rejected`,
  ];
  for (const [source, c] of Object.entries(report.bySource).sort()) {
    lines.push(
      `  ${source}: ${c.accepted} stored, ${c.duplicates} duplicate(s), ${c.ignored} ignored, ${c.rejected} rejected`,
    );
  }
  const reasons = Object.entries(report.ignoredByReason);
  if (reasons.length > 0) {
    lines.push('ignored (changes nothing in inventory):');
    for (const [reason, n] of reasons) lines.push(`  ${n} × ${terminalSafe(reason)}`);
  }
  if (report.rejected.length > 0) {
    lines.push('rejected:');
    for (const r of report.rejected) {
      const where = r.record !== undefined ? `${r.file}:${r.record}` : r.file;
      const field = r.field !== undefined ? ` (field ${r.field})` : '';
      lines.push(`  ${terminalSafe(where)}: ${terminalSafe(r.reason)}${terminalSafe(field)}`);
    }
    if (report.rejectedCount > report.rejected.length) {
      lines.push(`  … ${report.rejectedCount - report.rejected.length} more rejected (--max-listed); by reason:`);
      for (const [reason, n] of Object.entries(report.rejectedByReason)) lines.push(`  ${n} × ${terminalSafe(reason)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
