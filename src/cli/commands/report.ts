import { join } from 'node:path';
import type { Command } from 'commander';
import type { CommandRunner } from '../main';
import { EXIT, UsageError } from '../exit-codes';
import { addStoreOptions, withStore, type StoreCliOptions } from '../store-options';
import { generateReport, reportTimestamp } from '../../app/report';
import { auditReportFormats } from '../../report/html/audit-formats';
import { readState, STATE } from '../../store/state-keys';
import { ensureCurrentAudit } from '../../app/current-audit';
import { stampLine } from '../../app/audit-stamp';
import type { Profile } from '../../engine/types';

interface ReportCliOptions extends StoreCliOptions {
  out?: string;
  url?: string;
}

export function register(program: Command, run: CommandRunner): void {
  const cmd = program
    .command('report')
    .description('Write the self-contained HTML report with JSON, CSV and the audit formats beside it')
    .option('--out <dir>', 'output directory (default: <data-dir>/reports/<timestamp>/, copied to reports/latest/)')
    .option('--url <url>', 'where people will open report.html (e.g. its S3 URL); used as the link in Slack digests');
  addStoreOptions(cmd).action((opts: ReportCliOptions) =>
    run(async () => {
      if (opts.url !== undefined) {
        try {
          new URL(opts.url);
        } catch {
          throw new UsageError(`--url ${JSON.stringify(opts.url)} is not a URL`);
        }
      }
      const now = new Date();
      const reports = join(opts.dataDir, 'reports');
      const output = await withStore(opts, async (store) => {
        const current = await ensureCurrentAudit(store);
        if (current.auditedBecause !== undefined)
          process.stderr.write(
            `hyperaudit: ${current.auditedBecause}: audited now (profile ${current.stamp.profile})\n`,
          );
        // SARIF/JUnit describe the rules of the profile the last audit used.
        const profile = (await readState(store, STATE.auditLatest))?.profile as Profile | undefined;
        return generateReport(store, {
          outDir: opts.out ?? join(reports, reportTimestamp(now)),
          ...(opts.out === undefined && { latestDir: join(reports, 'latest') }),
          ...(opts.url !== undefined && { publicUrl: opts.url }),
          formats: auditReportFormats(profile !== undefined ? { profile } : {}),
          now,
        });
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
