import { Option, type Command } from 'commander';
import type { CommandRunner } from '../main';
import { EXIT, UsageError } from '../exit-codes';
import { readSecret } from '../secret-option';
import { addStoreOptions, withStore, type StoreCliOptions } from '../store-options';
import { SEVERITIES, type Severity } from '../../model/finding';
import { runNotify, type NotifyResult } from '../../app/notify';
import { ensureCurrentAudit } from '../../app/current-audit';
import { stampLine } from '../../app/audit-stamp';
import { systemClock } from '../../model/ports/clock';
import { clearDeliveryPause, type ConfigurationError } from '../../alerts/deliver-outbox';

interface NotifyCliOptions extends StoreCliOptions {
  webhook?: string;
  webhookFile?: string;
  minSeverity: Severity;
  reportUrl?: string;
  dryRun?: boolean;
  retryBudget: string;
  clearPause?: boolean;
  includeUnverified?: boolean;
}

function validWebhook(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('--webhook is not a URL (expected https://hooks.slack.com/services/...)');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new UsageError('--webhook must be an http(s) URL');
  return url;
}

/** What to fix when Slack refuses the webhook itself; names the status and Slack's text, never the URL. */
function configurationProblem(error: ConfigurationError): string {
  const text = error.body === '' ? '' : ` ${error.body}`;
  return `Slack refused the webhook (HTTP ${error.status}${text}): the webhook URL is wrong or was revoked, or its channel is gone or archived; fix --webhook / SLACK_WEBHOOK_URL and run notify again (nothing was dropped)`;
}

/** Printed summary; never prints the webhook URL, which is a credential. */
function describe(result: NotifyResult, dryRun: boolean): string {
  const lines = [
    `${result.newCount} new, ${result.resolvedCount} resolved, ${result.openCount} open at or above threshold`,
  ];
  if (result.audit) lines.push(stampLine(result.audit));
  lines.push(
    dryRun
      ? `${result.planned.length} message(s) planned (dry run: nothing queued or sent)`
      : `${result.planned.length} message(s) queued`,
  );
  const d = result.delivery;
  if (d) {
    lines.push(`${d.delivered.length} delivered in ${d.requests} request(s)`);
    for (const dead of d.deadLettered)
      lines.push(`rejected by Slack (${dead.status} ${dead.body}): ${dead.id} moved to notify/dead/${dead.id}`);
    if (d.configurationError) lines.push(configurationProblem(d.configurationError));
    if (d.remaining.length > 0)
      lines.push(`${d.remaining.length} still queued: ${d.stoppedBecause ?? 'stopped'}; run notify again to resend`);
  }
  return `${lines.join('\n')}\n`;
}

export function register(program: Command, run: CommandRunner): void {
  const cmd = program
    .command('notify')
    .description('Post a Slack digest of new and resolved findings since the last notification')
    .option(
      '--webhook <url>',
      'Slack incoming webhook URL (visible in ps: prefer --webhook-file or env SLACK_WEBHOOK_URL)',
    )
    .option('--webhook-file <file>', 'read the Slack incoming webhook URL from this file (one line)')
    .addOption(
      new Option('--min-severity <severity>', 'lowest severity to announce').choices([...SEVERITIES]).default('high'),
    )
    .option('--report-url <url>', 'link to the report (default: the last `report` run)')
    .option(
      '--include-unverified',
      'announce unverified findings too (failing only on defaults nobody reported; left out by default)',
    )
    .option('--dry-run', 'print the messages instead of queueing and sending them')
    .option('--retry-budget <seconds>', 'how long to keep retrying through 429s and outages', '120')
    .option(
      '--clear-pause',
      'lift a stored 429 or outage pause for this webhook before sending (Retry-After is capped at 15 minutes)',
    );
  addStoreOptions(cmd).action((opts: NotifyCliOptions) =>
    run(async () => {
      const budget = Number(opts.retryBudget);
      if (!Number.isFinite(budget) || budget < 0) throw new UsageError('--retry-budget must be a number of seconds');
      const webhook = await readSecret({
        flag: '--webhook',
        flagValue: opts.webhook,
        fileFlag: '--webhook-file',
        file: opts.webhookFile,
        envName: 'SLACK_WEBHOOK_URL',
      });
      const webhookUrl = webhook !== undefined && webhook !== '' ? validWebhook(webhook) : undefined;
      if (webhookUrl === undefined && !opts.dryRun)
        throw new UsageError('no webhook: set SLACK_WEBHOOK_URL or pass --webhook-file FILE (or use --dry-run)');
      if (opts.clearPause && webhookUrl === undefined)
        throw new UsageError('--clear-pause needs the webhook: set SLACK_WEBHOOK_URL or pass --webhook-file FILE');
      const result = await withStore(opts, async (store) => {
        if (opts.clearPause && webhookUrl !== undefined) {
          const lifted = await clearDeliveryPause(store, webhookUrl);
          process.stderr.write(
            lifted
              ? `cleared the pause until ${lifted.until}${lifted.reason ? ` (${lifted.reason})` : ''}\n`
              : 'no pause was stored for this webhook\n',
          );
        }
        const ports = { store, clock: systemClock };
        const current = await ensureCurrentAudit(ports);
        if (current.auditedBecause !== undefined)
          process.stderr.write(
            `hyperaudit: ${current.auditedBecause}: audited now (profile ${current.stamp.profile})\n`,
          );
        return runNotify(ports, {
          minSeverity: opts.minSeverity,
          includeUnverified: opts.includeUnverified === true,
          dryRun: opts.dryRun === true,
          ...(opts.reportUrl !== undefined && { reportUrl: opts.reportUrl }),
          ...(webhookUrl !== undefined && !opts.dryRun && { webhookUrl }),
          delivery: { retryBudgetMs: budget * 1000 },
        });
      });
      if (opts.dryRun)
        process.stdout.write(
          `${JSON.stringify(
            result.planned.map((p) => p.payload),
            null,
            2,
          )}\n`,
        );
      // A dry run's stdout is the JSON alone (`notify --dry-run | jq`); the summary goes to stderr.
      (opts.dryRun ? process.stderr : process.stdout).write(describe(result, opts.dryRun === true));
      if (result.delivery?.configurationError)
        process.stderr.write(`hyperaudit: ${configurationProblem(result.delivery.configurationError)}\n`);
      if (result.delivery && result.delivery.remaining.length > 0) return EXIT.undelivered;
      if (result.delivery && result.delivery.deadLettered.length > 0) return EXIT.rejected;
      return EXIT.ok;
    }),
  );
}
