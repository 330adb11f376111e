import './workflow/node20-shim';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExecutionError, StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { auditStep, type AuditStepOutput } from '../app/start-run';
import { NotifyEvent, notifyEvent, type NotifyEventResult } from '../app/notify-event';
import type { NotifyDeps } from '../app/notify-run';
import { reportStep, type ReportStepOutput } from '../app/finish-run';
import { simulateShard, ShardInput, type ShardOutput } from '../app/simulate-shard';
import { auditShard, AuditShardInput, type AuditShardOutput } from '../app/audit-shard';
import { planStep, type PlanStepOutput } from '../app/plan';
import { CompiledRules } from '../engine/compile';
import { RUN_FILE_LIMITS } from '../model/run-files';
import { getJson } from '../store/s3-json';
import { s3ArtifactStore } from '../store/artifacts/s3-artifact-store';
import { fixedClock } from '../model/ports/clock';
import { quietLogger, type Logger } from '../model/ports/logger';
import { parseStepInput, ReportStepInput, RunInput, type RunPlan } from '../app/workflow-input';
import type { Profile } from '../engine/types';
import type { LoadedRule } from '../engine/types';
import type { Severity } from '../model/finding';
import type { RunFailure } from '../app/run-failure';
import { hasShardedReads, type FleetStore } from '../store/types';
import { PrepareShardInput, prepareShard, type PrepareShardOutput } from '../app/prepare-shard';
import type { LocalS3 } from './local-s3';
import { silentReporter, type StepReporter } from './step-progress';
import { ITEM_READER_CONTEXT, shimItemReaders } from './workflow/item-reader-shim';

export interface LocalWorkflowDeps {
  store: FleetStore;
  s3: LocalS3;
  bucket: string;
  rules: readonly LoadedRule[];
  tracesDir?: string;
  failThreshold: Severity;
  minSeverity: Severity;
  webhookUrl?: string;
  /**
   * Where people will open the report (a file URL or this machine's `serve`); default: the local bucket's file.
   * Never an S3 or console link: the local bucket exists only here.
   */
  reportUrl?: string;
  /** Slack delivery pacing; the demo bounds it so a Slack outage cannot hold the run. */
  notifyDelivery?: NotifyDeps['delivery'];
  /** Told when each state starts and ends (the simulate state counts its shards). */
  reporter?: StepReporter;
  /** Plan fixes before the report (the run input's `plan`, as the schedule sends it when planGoal is set). */
  plan?: RunPlan;
  /** The rule profile `rules` were loaded for: the start step settles the run's profile from it (default `scg`). */
  profile?: Profile;
  /** Replaces a function's local handler (tests: a failing shard or report step). Keyed by function name. */
  handlerOverrides?: Record<string, (input: unknown) => Promise<unknown>>;
  /** Where the steps' operator lines go (compaction problems); default: nowhere. */
  logger?: Logger;
}

export interface WorkflowRun {
  runId: string;
  audit: AuditStepOutput;
  /** The shards that compacted and replayed themselves (none when the start step read the table), in finishing order. */
  prepared: PrepareShardOutput[];
  /** The simulated clusters, and every audited shard. */
  shards: ShardOutput[];
  auditShards: AuditShardOutput[];
  /** Present when the run planned fixes. */
  plan?: PlanStepOutput;
  report: ReportStepOutput;
  notify?: NotifyEventResult;
}

/** The run ended in the definition's RunFailed state (or the interpreter stopped it): what failed and why. */
export class WorkflowFailedError extends Error {
  constructor(
    readonly runId: string,
    readonly error: string,
    readonly failure: RunFailure | undefined,
  ) {
    super(`workflow run ${runId} failed${failure ? ` in ${failure.state}` : ''}: ${error}`);
    this.name = 'WorkflowFailedError';
  }
}

/** Step Functions execution names: the run id every step keys its S3 files by. */
export function executionName(now: Date, trigger: string): string {
  return `${trigger}-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * The state machine `cdk synth` produces for infra/constructs/audit-workflow.ts, references resolved for a
 * local run (infra/write-local-definition.ts writes it; a test keeps it equal to the current synth).
 */
const DEFINITION_FILE = new URL('./workflow/audit-state-machine.asl.json', import.meta.url);
let definition: StateMachineDefinition | undefined;
function synthesizedDefinition(): StateMachineDefinition {
  definition ??= JSON.parse(readFileSync(DEFINITION_FILE, 'utf8')) as StateMachineDefinition;
  return definition;
}

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type JsonValue = Parameters<LocalHandlers[string]>[0];
/** What Lambda hands Step Functions is the result serialised as JSON; so is a local handler's. */
const asLambdaResult = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value ?? null)) as JsonValue;

/** The Lambda function a Task state invokes, by its name in the resolved definition's ARN. */
const functionName = (resource: unknown) =>
  typeof resource === 'string' ? /:function:([^:]+)$/.exec(resource)?.[1] : undefined;

function taskStates(
  machine: { States: Record<string, Record<string, unknown>> },
  out: [string, Record<string, unknown>][] = [],
) {
  for (const [name, state] of Object.entries(machine.States)) {
    if (state.Type === 'Task') out.push([name, state]);
    const inner = (state.ItemProcessor ?? state.Iterator) as typeof machine | undefined;
    if (inner !== undefined) taskStates(inner, out);
  }
  return out;
}

/**
 * Executes the synthesized compliance state machine with aws-local-stepfunctions: its Retry, Catch, paths,
 * Map and Fail states run as written, every Lambda task on the code its function bundles (the step functions
 * each functions/<name>/index.ts wraps), the Distributed Map's S3 item reader through the local bucket
 * (item-reader-shim.ts). A run that ends in RunFailed throws WorkflowFailedError after RecordFailure stored it.
 */
export async function runLocalWorkflow(
  trigger: 'schedule' | 'deploy',
  deps: LocalWorkflowDeps,
  now = new Date(),
): Promise<WorkflowRun> {
  const reporter = deps.reporter ?? silentReporter;
  // One time for every step of the run, as the state machine's execution start is for the deployed steps.
  const clock = fixedClock(now);
  const logger = deps.logger ?? quietLogger;
  const runId = executionName(now, trigger);
  const shards: ShardOutput[] = [];
  const auditShards: AuditShardOutput[] = [];
  const prepared: PrepareShardOutput[] = [];
  let compiled: CompiledRules | undefined;
  let shardsOpen = false;
  // The shard line ends when the first step after the Map begins (the plan or the report).
  const closeShards = () => {
    if (!shardsOpen) return;
    shardsOpen = false;
    reporter.finish(
      `${shards.length} clusters simulated (${shards.reduce((n, s) => n + s.hosts, 0)} hosts, ${shards.reduce((n, s) => n + s.vms, 0)} VMs), ${auditShards.length} shards audited`,
    );
  };
  let failure: RunFailure | undefined;

  const notifyDeps: NotifyDeps = {
    store: deps.store,
    minSeverity: deps.minSeverity,
    webhookUrl: async () => deps.webhookUrl ?? '',
    ...(deps.notifyDelivery && { delivery: deps.notifyDelivery }),
    clock,
  };
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {
    'hyperaudit-audit': async (input) => {
      // The function serves two tasks: each Map item's PrepareCluster (a shard) and the start step (a run).
      if (typeof input === 'object' && input !== null && 'clusterId' in input) {
        const store = deps.store;
        if (!hasShardedReads(store)) throw new Error('prepare-shard: the store has no cluster index to read shards by');
        const shard = await prepareShard(parseStepInput(PrepareShardInput, input, 'prepare-shard'), {
          store,
          s3: deps.s3.client,
          bucket: deps.bucket,
          logger,
        });
        prepared.push(shard);
        return shard;
      }
      reporter.start('audit');
      const audit = await auditStep(parseStepInput(RunInput, input, 'audit'), {
        store: deps.store,
        s3: deps.s3.client,
        bucket: deps.bucket,
        clock,
        logger,
        shardsPrepareThemselves: true,
        ...(deps.profile !== undefined && { profile: deps.profile }),
      });
      reporter.finish(
        audit.reads === 'shards'
          ? `${audit.shards} shards listed${audit.compaction !== undefined ? ` after compacting ${audit.compaction.entities} entities (first run on this table)` : ''}`
          : `${audit.hosts} hosts, ${audit.vms} VMs in ${audit.shards} shards; ${audit.clusters} clusters to simulate`,
      );
      return audit;
    },
    'hyperaudit-simulate-shard': async (input) => {
      const shard = await simulateShard(parseStepInput(ShardInput, input, 'simulate-shard'), {
        s3: deps.s3.client,
        bucket: deps.bucket,
        ...(deps.tracesDir !== undefined && { tracesDir: deps.tracesDir }),
      });
      shards.push(shard);
      return shard;
    },
    'hyperaudit-audit-shard': async (input) => {
      compiled ??= new CompiledRules(deps.rules);
      const part = await auditShard(parseStepInput(AuditShardInput, input, 'audit-shard'), {
        s3: deps.s3.client,
        bucket: deps.bucket,
        rules: compiled,
        store: deps.store,
      });
      auditShards.push(part);
      // Audit is each item's last task: one shard done.
      reporter.advance(auditShards.length);
      return part;
    },
    'hyperaudit-plan': async (input) => {
      closeShards();
      reporter.start('plan');
      const planned = await planStep(parseStepInput(RunInput, input, 'plan'), {
        store: deps.store,
        rules: deps.rules,
        ...(deps.tracesDir !== undefined && { tracesDir: deps.tracesDir }),
        clock,
      });
      reporter.finish(
        `${planned.goal}: ${planned.steps} moves, ${planned.cleared} findings cleared, ${planned.added} added, ${planned.unresolved} left`,
      );
      return planned;
    },
    'hyperaudit-report': async (input) => {
      closeShards();
      reporter.start('report');
      const report = await reportStep(parseStepInput(ReportStepInput, input, 'report'), {
        store: deps.store,
        s3: deps.s3.client,
        bucket: deps.bucket,
        rules: deps.rules,
        failThreshold: deps.failThreshold,
        artifacts: s3ArtifactStore(deps.s3.client, deps.bucket),
        clock,
        reportUrl: (key) => deps.reportUrl ?? pathToFileURL(deps.s3.objectPath(deps.bucket, key)).href,
      });
      const html = report.keys.find((k) => k.endsWith('.html'));
      const where = html !== undefined ? dirname(deps.s3.objectPath(deps.bucket, html)) : 'the local bucket';
      reporter.finish(
        `${openCount(report.findings)} open findings, ${report.failing} at ${report.failThreshold} or above; ${report.keys.length} files in ${where}`,
      );
      return report;
    },
    'hyperaudit-notify': async (input) => {
      const event = parseStepInput(NotifyEvent, input ?? {}, 'notify');
      const runFailed = event.runFailed;
      if (runFailed !== undefined) failure = runFailed;
      // Locally Slack is optional: without a webhook the digest is not planned (a later `notify` plans it),
      // while a failed run is still recorded and its message queued.
      if (deps.webhookUrl === undefined && runFailed === undefined) return { skipped: 'no webhook' };
      if (runFailed === undefined) reporter.start('slack');
      const result = await notifyEvent(
        event,
        deps.webhookUrl === undefined ? { ...notifyDeps, delivery: { retryBudgetMs: 0 } } : notifyDeps,
      );
      if (runFailed === undefined) {
        reporter.finish(
          `${result.newCount} new findings at ${deps.minSeverity} or above, ${result.delivered} message(s) delivered` +
            (result.remaining > 0 ? `, ${result.remaining} still queued (${result.stoppedBecause ?? 'stopped'})` : ''),
        );
      }
      return result;
    },
    ...deps.handlerOverrides,
  };

  const { definition: shimmed, readers } = shimItemReaders(synthesizedDefinition() as never);
  const items: Record<string, unknown> = {};
  const overrides: LocalHandlers = {};
  for (const [stateName, state] of taskStates(shimmed)) {
    const mapName = readers.get(stateName);
    if (mapName !== undefined) {
      overrides[stateName] = async (input) => {
        const { Key } = input as { Bucket: string; Key: string };
        const list = await getJson(deps.s3.client, deps.bucket, Key, RUN_FILE_LIMITS.clusterList);
        if (!Array.isArray(list))
          throw new Error(`s3://${deps.bucket}/${Key}: the ${mapName} item list is not a JSON array`);
        items[mapName] = list;
        reporter.start('simulate', list.length);
        shardsOpen = true;
        return input;
      };
      continue;
    }
    const name = functionName(state.Resource);
    const handler = name !== undefined ? handlers[name] : undefined;
    if (handler === undefined) throw new Error(`state ${stateName}: no local handler for ${String(state.Resource)}`);
    overrides[stateName] = async (input) => asLambdaResult(await handler(input));
  }

  const machine = new StateMachine(shimmed as unknown as StateMachineDefinition, {
    validationOptions: { checkArn: false },
  });
  const execution = machine.run(
    { trigger, scope: { kind: 'fleet' }, ...(deps.plan !== undefined && { plan: deps.plan }) },
    {
      overrides: { taskResourceLocalHandlers: overrides },
      context: { Execution: { Name: runId }, [ITEM_READER_CONTEXT]: items },
    },
  );
  let output: {
    audit: AuditStepOutput;
    planned?: PlanStepOutput;
    report: ReportStepOutput;
    notify?: NotifyEventResult | { skipped: string };
  };
  try {
    output = (await execution.result) as unknown as typeof output;
  } catch (err) {
    const cause = err instanceof ExecutionError && err.cause instanceof Error ? err.cause : err;
    throw new WorkflowFailedError(
      runId,
      cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
      failure,
    );
  }
  const notify = output.notify !== undefined && !('skipped' in output.notify) ? output.notify : undefined;
  return {
    runId,
    audit: withShardTotals(output.audit, prepared),
    prepared,
    shards,
    auditShards,
    ...(output.planned && { plan: output.planned }),
    report: output.report,
    ...(notify && { notify }),
  };
}

/**
 * The fleet counts a start step that read no entity leaves out, summed from the shards that prepared themselves, so
 * `demo` and `serve` show them as before.
 */
function withShardTotals(audit: AuditStepOutput, prepared: readonly PrepareShardOutput[]): AuditStepOutput {
  if (audit.reads !== 'shards') return audit;
  return {
    ...audit,
    hosts: prepared.reduce((n, p) => n + p.hosts, 0),
    vms: prepared.reduce((n, p) => n + p.vms, 0),
    clusters: prepared.filter((p) => p.simulate).length,
  };
}

const openCount = (bySeverity: Record<Severity, number>) => Object.values(bySeverity).reduce((a, b) => a + b, 0);
