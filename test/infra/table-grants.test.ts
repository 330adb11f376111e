import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStep } from '../../src/app/start-run';
import { evaluateChanges } from '../../src/app/evaluate-changes';
import { ingestMessage } from '../../src/app/ingest-message';
import { notifyRun } from '../../src/app/notify-run';
import { reportStep } from '../../src/app/finish-run';
import { encodeEnvelope } from '../../src/sources/envelope';
import type { ClusterItem } from '../../src/model/run-files';
import { simulateShard } from '../../src/app/simulate-shard';
import { auditShard } from '../../src/app/audit-shard';
import { planStep } from '../../src/app/plan';
import { CompiledRules } from '../../src/engine/compile';
import type { HyperauditStack } from '../../infra/stacks/hyperaudit-stack';
import { loadRules } from '../../src/engine/load-rules';
import type { LoadedRule } from '../../src/engine/types';
import { DynamoStore } from '../../src/store/dynamo-store';
import { eventKey } from '../../src/store/items';
import { httpSqsRecord, streamInsert } from '../functions/helpers/aws-events';
import { fixtureText, fleetEvents } from '../functions/helpers/fleet-fixture';
import { startLocalTable, stopLocalTable, type LocalTable } from '../functions/helpers/local-table';
import { memoryS3 } from '../functions/helpers/memory-s3';
import { startSlackServer } from '../functions/helpers/slack-server';
import { buildStack } from './build-stack';
import { fixedClock, systemClock } from '../../src/model/ports/clock';
import { quietLogger } from '../../src/model/ports/logger';
import { s3ArtifactStore } from '../../src/store/artifacts/s3-artifact-store';

/**
 * dynalite and the S3 mock enforce no IAM, so a handler missing a grant passes every local test and fails
 * in AWS. Here each handler core runs a realistic invocation against a client that records the commands it
 * sends; the synthesized template must grant exactly those on the table, and S3 actions on the key prefixes
 * the invocation touched.
 */

type Fn = 'ingest' | 'evaluate' | 'notify' | 'audit' | 'simulate' | 'auditShard' | 'plan' | 'report';
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: { StringLike?: { 's3:prefix'?: string[] } };
}

/**
 * Granted actions an invocation here does not send, each with the code path that needs it. Kept as short as
 * possible: every other grant is exercised.
 */
const UNEXERCISED_ALLOWANCE: Record<Fn, Record<string, string>> = {
  ingest: {},
  evaluate: {},
  notify: {},
  audit: {},
  simulate: {},
  auditShard: {},
  plan: {},
  // The report step records the merged shard audits; findings are written only when what a reader sees changed,
  // and the evaluate step here already stored every finding this run finds.
  report: {
    DeleteItem:
      'reportStep → recordTrendEntry → deleteMeta, once more runs than the trend keeps (TREND_RUNS) are stored',
  },
};

/** The same for S3: granted actions only a failure path sends. */
const UNEXERCISED_S3_ALLOWANCE: Partial<Record<Fn, Record<string, string>>> = {
  report: {
    's3:AbortMultipartUpload':
      'reportStep → the fleet-scale findings.csv (s3-concat.ts) aborts its multipart upload when a part or the completion fails',
  },
};

const BUCKET = 'hyperaudit-reports-grants';
const clock = fixedClock('2026-11-26T06:00:00.000Z');
const sentToTable = new Map<Fn, Set<string>>();
/** IAM action and the key (or list prefix) of every S3 request, per function. */
const sentToS3 = new Map<Fn, { action: string; key: string }[]>();
const s3 = memoryS3();
let table: LocalTable;
let rules: LoadedRule[];
let slack: Awaited<ReturnType<typeof startSlackServer>>;
let stack: HyperauditStack;

/** A store like the handler's (default options), whose client records each command it sends. */
function recordingStore(fn: Fn): DynamoStore {
  const sent = new Set<string>();
  sentToTable.set(fn, sent);
  const client = new DynamoDBClient({
    endpoint: table.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.add(context.commandName!.replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'recordTableActions' },
  );
  return new DynamoStore({ client, tableName: table.tableName });
}

/** Runs one invocation and files the S3 requests it made under its function. */
async function withS3Recorded<T>(fn: Fn, invoke: () => Promise<T>): Promise<T> {
  s3.mock.resetHistory();
  const out = await invoke();
  const iamAction: Record<string, string> = {
    PutObjectCommand: 's3:PutObject',
    GetObjectCommand: 's3:GetObject',
    ListObjectsV2Command: 's3:ListBucket',
  };
  sentToS3.set(
    fn,
    s3.mock.calls().map((call) => {
      const command = call.args[0] as { constructor: { name: string }; input: { Key?: string; Prefix?: string } };
      return {
        action: iamAction[command.constructor.name] ?? `unmapped:${command.constructor.name}`,
        key: command.input.Key ?? command.input.Prefix ?? '',
      };
    }),
  );
  return out;
}

let resources: Record<string, { Type: string; Properties: Record<string, unknown> }> | undefined;
function roleStatements(fn: lambda.IFunction): Statement[] {
  // Synthesised once (without bundling, like stack.test.ts): the grants as CloudFormation will see them.
  resources ??= Template.fromStack(stack).toJSON().Resources as typeof resources;
  const roleId = logicalId(fn.role!.node.defaultChild as CfnElement);
  return Object.values(resources!)
    .filter(
      (r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((x) => x.Ref === roleId),
    )
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const logicalId = (c: CfnElement) => stack.resolve(stack.getLogicalId(c)) as string;
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** Actions the role may perform on the table itself (not its stream, which the event source mapping reads). */
function tableGrants(fn: lambda.IFunction): Set<string> {
  const tableArn = JSON.stringify({
    'Fn::GetAtt': [logicalId(stack.table.table.node.defaultChild as CfnElement), 'Arn'],
  });
  const granted = new Set<string>();
  for (const s of roleStatements(fn)) {
    if (!resourcesOf(s).some((r) => JSON.stringify(r) === tableArn)) continue;
    for (const a of actionsOf(s)) granted.add(a.replace(/^dynamodb:/, ''));
  }
  return granted;
}

/** `{Fn::Join: ['', [<bucket arn>, '/runs/*']]}` → `runs/`; the bucket itself → ''. */
function objectPrefix(resource: unknown): string | undefined {
  const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  const bucketArn = JSON.stringify({
    'Fn::GetAtt': [logicalId(stack.reports.bucket.node.defaultChild as CfnElement), 'Arn'],
  });
  if (join === undefined || JSON.stringify(join[1][0]) !== bucketArn) return undefined;
  const suffix = join[1][1];
  return typeof suffix === 'string' && suffix.startsWith('/') && suffix.endsWith('*') ? suffix.slice(1, -1) : undefined;
}

/** Whether some statement of the role allows `action` on `key` of the reports bucket. */
function s3Allows(statements: Statement[], action: string, key: string): boolean {
  const bucketArn = JSON.stringify({
    'Fn::GetAtt': [logicalId(stack.reports.bucket.node.defaultChild as CfnElement), 'Arn'],
  });
  return statements.some((s) => {
    if (!actionsOf(s).includes(action)) return false;
    if (action === 's3:ListBucket') {
      const prefixes = s.Condition?.StringLike?.['s3:prefix'] ?? [];
      return (
        resourcesOf(s).some((r) => JSON.stringify(r) === bucketArn) &&
        prefixes.some((p) => p.endsWith('*') && key.startsWith(p.slice(0, -1)))
      );
    }
    return resourcesOf(s).some((r) => {
      const prefix = objectPrefix(r);
      return prefix !== undefined && key.startsWith(prefix);
    });
  });
}

beforeAll(async () => {
  [table, slack] = await Promise.all([startLocalTable(), startSlackServer()]);
  rules = loadRules();
  stack = buildStack().stack;

  // Ingest: an NDJSON body with the fleet and a burst of 210 updates to one host, enough for the store to
  // refresh that host's snapshot (compactEntity) within the invocation, as a busy container does.
  const burst = Array.from({ length: 210 }, (_, i) =>
    JSON.stringify({
      id: `burst-${i}`,
      time: new Date(Date.parse('2026-11-25T00:00:00Z') + i * 60_000).toISOString(),
      type: 'host.upsert',
      host: { id: 'host-1007', maintenanceMode: i % 2 === 0 },
    }),
  );
  const body = [
    ...fixtureText('fleet.ndjson')
      .split('\n')
      .filter((l) => l !== ''),
    ...burst,
  ].join('\n');
  const report = await withS3Recorded('ingest', () =>
    ingestMessage(
      httpSqsRecord(body, encodeEnvelope({ contentType: 'application/x-ndjson', ce: {} }), 'grants-ingest'),
      { store: recordingStore('ingest'), clock: systemClock, logger: quietLogger },
    ),
  );
  expect(report.rejected).toEqual([]);

  // Evaluate: the stream batch those inserts produce.
  await withS3Recorded('evaluate', () =>
    evaluateChanges(
      fleetEvents().map((e, i) => streamInsert(eventKey(e), i)),
      { store: recordingStore('evaluate'), rules, clock },
    ),
  );

  // Notify: plans the digest of the new findings, queues it in the outbox, delivers and removes it.
  const notified = await withS3Recorded('notify', () =>
    notifyRun({
      store: recordingStore('notify'),
      clock,
      minSeverity: 'high',
      webhookUrl: async () => slack.url,
      delivery: { minIntervalMs: 0 },
    }),
  );
  expect(notified.delivered).toBeGreaterThan(0);

  // The scheduled run: audit (compaction, perimeters, replay, audit) → one shard per cluster → report.
  const input = { runId: 'grants-run', trigger: 'schedule' as const, scope: { kind: 'fleet' } };
  const perimetersFile = fileURLToPath(new URL('../fixtures/functions/perimeters.ndjson', import.meta.url));
  const audit = await withS3Recorded('audit', () =>
    auditStep(input, {
      store: recordingStore('audit'),
      s3: s3.client,
      bucket: BUCKET,
      clock,
      logger: quietLogger,
      perimetersFile,
    }),
  );
  expect(audit.compaction?.snapshotsWritten).toBeGreaterThan(0);
  const items = JSON.parse(s3.objects.get(audit.clustersKey)!.body) as ClusterItem[];
  const tracesDir = fileURLToPath(new URL('../fixtures/functions/traces/', import.meta.url));
  await withS3Recorded('simulate', () =>
    Promise.all(
      items.map((item) =>
        simulateShard({ runId: input.runId, clusterId: item.clusterId }, { s3: s3.client, bucket: BUCKET, tracesDir }),
      ),
    ),
  );
  sentToTable.set('simulate', new Set());
  const compiled = new CompiledRules(rules);
  await withS3Recorded('auditShard', () =>
    Promise.all(
      items.map((item) =>
        auditShard(
          { runId: input.runId, clusterId: item.clusterId, profile: 'scg' },
          { s3: s3.client, bucket: BUCKET, rules: compiled, store: recordingStore('auditShard') },
        ),
      ),
    ),
  );
  await withS3Recorded('plan', () =>
    planStep(
      { runId: input.runId, plan: { goal: 'fix', maxMoves: 10 } },
      { store: recordingStore('plan'), rules, tracesDir, clock, trials: 50 },
    ),
  );
  await withS3Recorded('report', () =>
    reportStep(
      { ...input, audit },
      {
        store: recordingStore('report'),
        s3: s3.client,
        bucket: BUCKET,
        rules,
        failThreshold: 'high',
        artifacts: s3ArtifactStore(s3.client, BUCKET),
        clock,
      },
    ),
  );
});

afterAll(async () => {
  s3.mock.restore();
  await Promise.all([stopLocalTable(table), slack?.stop()]);
});

describe('table grants match what each handler sends', () => {
  const functions = (): Record<Fn, lambda.IFunction> => ({
    ingest: stack.ingest.ingestFunction,
    evaluate: stack.changes.evaluateFunction,
    notify: stack.changes.notifyFunction,
    audit: stack.workflow.auditFunction,
    simulate: stack.workflow.simulateFunction,
    auditShard: stack.workflow.auditShardFunction,
    plan: stack.workflow.planFunction,
    report: stack.workflow.reportFunction,
  });

  it.each(['ingest', 'evaluate', 'notify', 'audit', 'simulate', 'auditShard', 'plan', 'report'] as const)(
    'grants the %s function every DynamoDB action it sent, and nothing it did not beyond the listed allowance',
    (fn) => {
      const sent = [...sentToTable.get(fn)!].sort();
      const granted = tableGrants(functions()[fn]);
      expect(
        sent.filter((a) => !granted.has(a)),
        'sent but not granted',
      ).toEqual([]);
      const unused = [...granted].filter((a) => !sent.includes(a)).sort();
      expect(unused, 'granted but never sent').toEqual(Object.keys(UNEXERCISED_ALLOWANCE[fn]).sort());
    },
  );

  it('exercised the store paths the grants are for: duplicate check, entity snapshots, compaction, outbox', () => {
    expect([...sentToTable.get('ingest')!].sort()).toEqual([
      'BatchGetItem',
      'BatchWriteItem',
      'GetItem',
      'PutItem',
      'Query',
    ]);
    expect(sentToTable.get('audit')).toContain('Scan');
    expect(sentToTable.get('notify')).toContain('DeleteItem');
  });

  it('grants no function DescribeTable or CreateTable: the stack owns the table, no Lambda creates it', () => {
    for (const fn of Object.values(functions())) {
      const granted = tableGrants(fn);
      expect(granted.has('DescribeTable') || granted.has('CreateTable'), fn.node.path).toBe(false);
    }
  });

  it.each(['ingest', 'evaluate', 'notify', 'audit', 'simulate', 'auditShard', 'plan', 'report'] as const)(
    'lets the %s function make each S3 request it made, on that key prefix',
    (fn) => {
      const statements = roleStatements(functions()[fn]);
      const refused = sentToS3.get(fn)!.filter((r) => !s3Allows(statements, r.action, r.key));
      expect(refused).toEqual([]);
      // And no S3 action it never used (the table-only functions get none at all).
      const usedActions = new Set(sentToS3.get(fn)!.map((r) => r.action));
      const grantedActions = new Set(statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:')));
      expect([...grantedActions].filter((a) => !usedActions.has(a)).sort()).toEqual(
        Object.keys(UNEXERCISED_S3_ALLOWANCE[fn] ?? {}).sort(),
      );
    },
  );
});
