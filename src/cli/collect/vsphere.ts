import { closeSync, openSync, readSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { collectVsphere, type CollectProgress, type CollectReport } from '../../app/collect-vsphere';
import { EXIT, UsageError } from '../exit-codes';
import type { CommandRunner } from '../main';
import { addStoreOptions, withStore, type StoreCliOptions } from '../store-options';
import { terminalSafe } from '../terminal-text';
import { progressWanted } from '../command-progress';

interface VsphereCliOptions extends StoreCliOptions {
  url: string;
  username: string;
  passwordFile?: string;
  caFile?: string;
  insecure?: boolean;
  eventWindow: string;
  pageSize: string;
  timeout: string;
  json?: boolean;
}

/** Reads a small file whole, refusing one larger than `max` bytes (a password or a CA bundle, never a disk image). */
function readSmallFile(path: string, flag: string, max: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new UsageError(
      `${flag} ${JSON.stringify(path)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    const buf = Buffer.alloc(max + 1);
    let size = 0;
    while (size <= max) {
      const n = readSync(fd, buf, size, max + 1 - size, null);
      if (n === 0) break;
      size += n;
    }
    if (size > max) throw new UsageError(`${flag} ${JSON.stringify(path)}: larger than ${max} bytes`);
    return buf.subarray(0, size).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function positiveInt(value: string, flag: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > max)
    throw new UsageError(`${flag} ${JSON.stringify(value)}: a whole number from 1 to ${max}`);
  return n;
}

/** The password never comes from a flag (shell history, `ps`): a file, or the environment. */
function password(opts: VsphereCliOptions): string {
  if (opts.passwordFile !== undefined) {
    const fromFile = readSmallFile(opts.passwordFile, '--password-file', 4096).replace(/\r?\n$/, '');
    if (fromFile === '')
      throw new UsageError(`--password-file ${JSON.stringify(opts.passwordFile)}: the file is empty`);
    return fromFile;
  }
  const env = process.env.HYPERAUDIT_VSPHERE_PASSWORD;
  if (env !== undefined && env !== '') return env;
  throw new UsageError('no password: give --password-file FILE or set HYPERAUDIT_VSPHERE_PASSWORD');
}

export function registerCollector(collect: Command, run: CommandRunner): void {
  const cmd = collect
    .command('vsphere')
    .description('Read hosts, VMs, their configuration and recent events from a vCenter (vSphere API, read-only)')
    .requiredOption('--url <url>', "the vCenter's SDK endpoint, e.g. https://vc.example/sdk")
    .requiredOption('--username <user>', 'a vCenter user with the read-only role, e.g. auditor@vsphere.local')
    .option('--password-file <file>', 'file holding the password (else HYPERAUDIT_VSPHERE_PASSWORD)')
    .option('--ca-file <file>', "PEM CA certificate(s) to trust for the vCenter's TLS certificate")
    .addOption(new Option('--insecure', 'do not verify the TLS certificate (only for a lab)'))
    .option('--event-window <hours>', 'first collection: read events this many hours back', '24')
    .option('--page-size <objects>', 'objects per property-collector page', '500')
    .option('--timeout <seconds>', 'per-request timeout', '120')
    .option('--json', 'print the counts as JSON');
  addStoreOptions(cmd).action((opts: VsphereCliOptions) =>
    run(async () => {
      const ca = opts.caFile !== undefined ? readSmallFile(opts.caFile, '--ca-file', 1024 * 1024) : undefined;
      if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----'))
        throw new UsageError(`--ca-file ${JSON.stringify(opts.caFile)}: no PEM certificate in it`);
      const settings = {
        url: opts.url,
        username: opts.username,
        password: password(opts),
        ...(ca !== undefined && { ca }),
        ...(opts.insecure === true && { insecure: true }),
        eventWindowHours: positiveInt(opts.eventWindow, '--event-window', 24 * 366),
        pageSize: positiveInt(opts.pageSize, '--page-size', 10_000),
        timeoutMs: positiveInt(opts.timeout, '--timeout', 3600) * 1000,
      };
      const bar = progressWanted(process.stderr, opts) ? progressBar() : undefined;
      const report = await withStore(opts, (store) =>
        collectVsphere({ store }, { ...settings, ...(bar && { onProgress: bar.update }) }),
      ).finally(() => bar?.stop());
      process.stdout.write(opts.json ? `${JSON.stringify(jsonReport(report), null, 2)}\n` : humanReport(report));
      return report.rejected.length > 0 ? EXIT.rejected : EXIT.ok;
    }),
  );
}

/** The documented --json shape. */
export function jsonReport(r: CollectReport) {
  return {
    vcenter: r.vcenter,
    instanceUuid: r.instanceUuid,
    objects: r.objects.total,
    hosts: r.objects.hosts,
    vms: r.objects.vms,
    events: r.events,
    stored: r.stored,
    duplicates: r.duplicates,
    removed: r.removed,
    ignored: r.ignored,
    rejected: r.rejected,
    roundTrips: r.roundTrips,
    pages: r.pages,
    missingProperties: r.missingProperties,
    eventsSince: r.eventsSince,
  };
}

function progressBar() {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'collecting | {phase} | {objects} objects | {events} events',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(0, 0, { phase: 'connect', objects: 0, events: 0 });
  return { update: (p: CollectProgress) => bar.update(p.objects + p.events, { ...p }), stop: () => bar.stop() };
}

function humanReport(r: CollectReport): string {
  const lines = [
    `vCenter ${terminalSafe(r.vcenter)} (${r.instanceUuid}): ${r.objects.hosts} host(s), ${r.objects.vms} VM(s), ${r.events} event(s) since ${r.eventsSince}`,
    `${r.stored} event(s) stored, ${r.duplicates} duplicate(s) (unchanged), ${r.removed} removed, ${r.ignored} ignored, ${r.rejected.length} rejected; ${r.roundTrips} round trips`,
  ];
  if (r.missingProperties.length > 0)
    lines.push(`not reported by this vCenter: ${r.missingProperties.map(terminalSafe).join(', ')}`);
  for (const x of r.rejected) lines.push(`  ${terminalSafe(`${x.file}:${x.record ?? ''}`)}: ${terminalSafe(x.reason)}`);
  return `${lines.join('\n')}\n`;
}
