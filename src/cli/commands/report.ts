import { join } from 'node:path';
import type { Command } from 'commander';
import type { CommandRunner } from '../main';
import { EXIT, InputError, UsageError } from '../exit-codes';
import { addStoreOptions, withStore, type StoreCliOptions } from '../store-options';
import { generateReport, readStoredViews, reportTimestamp, type StoredReportViews } from '../../app/report';
import { auditReportFormats } from '../../report/html/audit-formats';
import { readState, STATE } from '../../store/state-keys';
import { ensureCurrentAudit } from '../../app/current-audit';
import { stampLine } from '../../app/audit-stamp';
import type { Profile } from '../../engine/types';
import { DEFAULT_RULES_DIR, loadRules, RuleLoadError } from '../../engine/load-rules';
import { type AuditPorts, runAudit } from '../../app/audit';
import { fixedClock, systemClock } from '../../model/ports/clock';
import { folderArtifactStore } from '../../store/artifacts/folder-artifact-store';
import type { Fleet } from '../../model/fleet';
import type { FleetStore } from '../../store/types';
import { PARAMS_OPTION_HELP, readParamsFile, type ParamOverrides } from '../params-option';
import { commandProgress } from '../command-progress';
import { withFindingsReadAhead } from '../findings-read-ahead';

interface ReportCliOptions extends StoreCliOptions {
  out?: string;
  url?: string;
  params?: string;
}

/**
 * With `--params` the findings must reflect the site's thresholds, so the report always audits first with them
 * (under the stored audit's profile and waivers); without it, the stored audit is used when it is current.
 */
async function auditForReport(
  ports: AuditPorts,
  params: { file: string; overrides: ParamOverrides } | undefined,
): Promise<{
  audited?: string;
  fleet: Fleet;
  store: FleetStore;
  profile: Profile;
  views?: Promise<StoredReportViews>;
}> {
  const { store } = ports;
  if (params === undefined) {
    // Read with the fleet, while the embedded store would otherwise wait for this process to fold it; used only
    // when the stored audit is current (an audit run now rewrites the findings, its stamp and compliance).
    const findingsAhead = store.listFindings();
    findingsAhead.catch(() => undefined);
    const viewsAhead = readStoredViews(store);
    viewsAhead.catch(() => undefined);
    const current = await ensureCurrentAudit(ports);
    const profile = current.stamp.profile as Profile;
    return current.auditedBecause === undefined
      ? { fleet: current.fleet, store: withFindingsReadAhead(store, findingsAhead), profile, views: viewsAhead }
      : {
          audited: `${current.auditedBecause}: audited now (profile ${current.stamp.profile})`,
          fleet: current.fleet,
          store,
          profile,
        };
  }
  const [latest, fleet] = await Promise.all([readState(store, STATE.auditLatest), store.loadFleet()]);
  const profile = (latest?.profile ?? 'scg') as Profile;
  let rules: ReturnType<typeof loadRules>;
  try {
    rules = loadRules(DEFAULT_RULES_DIR, { profile, paramOverrides: params.overrides });
  } catch (err) {
    if (err instanceof RuleLoadError) throw new InputError(err.message);
    throw err;
  }
  await runAudit(ports, { rules, profile, full: true, fleet });
  return { audited: `audited now with --params ${params.file} (profile ${profile})`, fleet, store, profile };
}

export function register(program: Command, run: CommandRunner): void {
  const cmd = program
    .command('report')
    .description('Write the self-contained HTML report with JSON, CSV and the audit formats beside it')
    .option('--out <dir>', 'output directory (default: <data-dir>/reports/<timestamp>/, copied to reports/latest/)')
    .option('--url <url>', 'where people will open report.html (e.g. its S3 URL); used as the link in Slack digests')
    .option('--params <file>', PARAMS_OPTION_HELP);
  addStoreOptions(cmd).action((opts: ReportCliOptions) =>
    run(async () => {
      if (opts.url !== undefined) {
        try {
          new URL(opts.url);
        } catch {
          throw new UsageError(`--url ${JSON.stringify(opts.url)} is not a URL`);
        }
      }
      // A bad params file exits 1 before the store is opened.
      const params =
        opts.params !== undefined ? { file: opts.params, overrides: readParamsFile(opts.params) } : undefined;
      const progress = commandProgress();
      // One time for the run: the report folder's name and what the report stamps.
      const clock = fixedClock(systemClock.now());
      const reports = join(opts.dataDir, 'reports');
      const output = await withStore(opts, async (opened) => {
        progress.start('audit');
        const { audited, fleet, store, profile, views } = await auditForReport({ store: opened, clock }, params);
        progress.finish(audited === undefined ? 'stored audit is current' : 'audited now');
        if (audited !== undefined) process.stderr.write(`hyperaudit: ${audited}\n`);
        // SARIF/JUnit describe the rules of the profile the audit shown used (the stored one, or the one run now).
        progress.start('report');
        const written = await generateReport(
          { store, clock, artifacts: folderArtifactStore() },
          {
            outDir: opts.out ?? join(reports, reportTimestamp(clock.now())),
            ...(opts.out === undefined && { latestDir: join(reports, 'latest') }),
            ...(opts.url !== undefined && { publicUrl: opts.url }),
            formats: auditReportFormats({ profile }),
            fleet,
            ...(views !== undefined && { views }),
          },
        );
        progress.finish(`${written.files.length} files`);
        return written;
      });
      for (const warning of output.warnings) process.stderr.write(`hyperaudit: ${warning}\n`);
      const open = Object.entries(output.summary.open)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
      process.stdout.write(
        `report written to ${output.dir}\n  ${output.files.map((f) => f.slice(output.dir.length + 1)).join(', ')}\n` +
          `  ${output.summary.hosts} hosts, ${output.summary.vms} VMs; open findings: ${open || 'none'}; ${output.summary.waived} waived\n` +
          (output.audit ? `  ${stampLine(output.audit)}\n` : '') +
          `  open ${output.url}\n`,
      );
      return EXIT.ok;
    }),
  );
}
