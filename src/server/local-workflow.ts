import { auditStep, type AuditStepOutput } from '../../functions/audit/audit-step';
import { notifyRun, type NotifyDeps, type NotifySummary } from '../../functions/notify/notify-run';
import { reportStep, type ReportStepOutput } from '../../functions/report/report-step';
import { simulateShard, ShardInput, type ShardOutput } from '../../functions/simulate-shard/simulate-shard';
import type { ClusterItem } from '../../functions/shared/run-files';
import { getJson } from '../../functions/shared/s3-json';
import { parseStepInput, RunInput } from '../../functions/shared/workflow-input';
import type { LoadedRule } from '../engine/types';
import type { Severity } from '../model/finding';
import type { FleetStore } from '../store/types';
import type { LocalS3 } from './local-s3';
import { silentReporter, type StepReporter } from './step-progress';

export interface LocalWorkflowDeps {
  store: FleetStore;
  s3: LocalS3;
  bucket: string;
  rules: readonly LoadedRule[];
  tracesDir?: string;
  failThreshold: Severity;
  minSeverity: Severity;
  webhookUrl?: string;
  /** Slack delivery pacing; the demo bounds it so a Slack outage cannot hold the run. */
  notifyDelivery?: NotifyDeps['delivery'];
  /** Told when each state starts and ends (the simulate state counts its shards). */
  reporter?: StepReporter;
}

export interface WorkflowRun {
  runId: string;
  audit: AuditStepOutput;
  shards: ShardOutput[];
  report: ReportStepOutput;
  notify?: NotifySummary;
}

/** Step Functions execution names: the run id every step keys its S3 files by. */
export function executionName(now: Date, trigger: string): string {
  return `${trigger}-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * The compliance state machine run locally, state by state, with the inputs Step Functions passes:
 * FullAudit (the scheduler's `{trigger, scope}` plus the execution name) → SimulateClusters (the Distributed
 * Map reads the cluster list from S3 and gives each iteration `{runId, clusterId}`) → Report → SlackDigest.
 * Each state's input is validated with the same schema the handler uses.
 */
export async function runLocalWorkflow(trigger: 'schedule' | 'deploy', deps: LocalWorkflowDeps, now = new Date()): Promise<WorkflowRun> {
  const reporter = deps.reporter ?? silentReporter;
  const runId = executionName(now, trigger);
  const input = parseStepInput(RunInput, { runId, trigger, scope: { kind: 'fleet' } }, 'audit');
  reporter.start('audit');
  const audit = await auditStep(input, { store: deps.store, s3: deps.s3.client, bucket: deps.bucket, rules: deps.rules, now: () => now });
  reporter.finish(`${audit.hosts} hosts, ${audit.vms} VMs, ${openCount(audit.findings)} open findings; ${audit.clusters} clusters to simulate`);

  const items = (await getJson(deps.s3.client, deps.bucket, audit.clustersKey)) as ClusterItem[];
  const shards: ShardOutput[] = [];
  reporter.start('simulate', items.length);
  // The Distributed Map runs iterations in parallel; on one machine the shards are CPU-bound, so in order.
  for (const item of items) {
    const shardInput = parseStepInput(ShardInput, { runId: audit.runId, clusterId: item.clusterId }, 'simulate-shard');
    shards.push(await simulateShard(shardInput, { s3: deps.s3.client, bucket: deps.bucket, ...(deps.tracesDir !== undefined && { tracesDir: deps.tracesDir }) }));
    reporter.advance(shards.length);
  }
  reporter.finish(`${shards.length} cluster shards, ${shards.reduce((n, s) => n + s.hosts, 0)} hosts, ${shards.reduce((n, s) => n + s.vms, 0)} VMs`);

  reporter.start('report');
  const reportInput = parseStepInput(RunInput, { ...input, audit, simulate: shards }, 'report');
  const report = await reportStep(reportInput, {
    store: deps.store,
    s3: deps.s3.client,
    bucket: deps.bucket,
    rules: deps.rules,
    failThreshold: deps.failThreshold,
    now: () => now,
  });
  reporter.finish(`${report.keys.length} files under s3://${deps.bucket}/${report.reportPrefix}; ${report.failing} open at ${report.failThreshold} or above`);

  let notify: NotifySummary | undefined;
  const webhook = deps.webhookUrl;
  if (webhook !== undefined) {
    reporter.start('slack');
    notify = await notifyRun({
      store: deps.store,
      minSeverity: deps.minSeverity,
      webhookUrl: async () => webhook,
      ...(deps.notifyDelivery && { delivery: deps.notifyDelivery }),
    });
    reporter.finish(
      `${notify.newCount} new findings at ${deps.minSeverity} or above, ${notify.delivered} message(s) delivered` +
        (notify.remaining > 0 ? `, ${notify.remaining} still queued (${notify.stoppedBecause ?? 'stopped'})` : ''),
    );
  }
  return { runId, audit, shards, report, ...(notify && { notify }) };
}

const openCount = (bySeverity: Record<Severity, number>) => Object.values(bySeverity).reduce((a, b) => a + b, 0);
