import { beforeAll, describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { HyperauditStack } from '../../infra/stacks/hyperaudit-stack';
import { readFileSync } from 'node:fs';
import { TABLE } from '../../src/store/table';
import { join } from 'node:path';
import { CONTEXT_PREFIX, HyperauditConfigSchema } from '../../infra/config';
import { REPO_ROOT } from '../../infra/paths';
import { buildStack } from './build-stack';
import { createTableInput } from '../../src/store/table';
import { renderDefinition } from './state-machine-definition';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

let stack: HyperauditStack;
let template: Template;
let resources: Resources;

const logicalId = (c: IConstruct) => stack.resolve(stack.getLogicalId(c.node.defaultChild as CfnElement)) as string;
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const asList = (r: unknown): unknown[] => (Array.isArray(r) ? r : [r]);

/** Every IAM statement attached to a role, by the role's logical id. */
function statementsByRole(): Map<string, Statement[]> {
  const byRole = new Map<string, Statement[]>();
  for (const res of Object.values(resources)) {
    if (res.Type !== 'AWS::IAM::Policy') continue;
    const doc = res.Properties.PolicyDocument as { Statement: Statement[] };
    for (const role of res.Properties.Roles as { Ref: string }[]) {
      byRole.set(role.Ref, [...(byRole.get(role.Ref) ?? []), ...doc.Statement]);
    }
  }
  return byRole;
}

function functions(): Record<string, lambda.Function> {
  return {
    authorizer: stack.ingest.authorizerFunction,
    ingest: stack.ingest.ingestFunction,
    evaluate: stack.changes.evaluateFunction,
    notify: stack.changes.notifyFunction,
    audit: stack.workflow.auditFunction,
    simulate: stack.workflow.simulateFunction,
    auditShard: stack.workflow.auditShardFunction,
    plan: stack.workflow.planFunction,
    report: stack.workflow.reportFunction,
    deployAudit: stack.workflow.deployAuditFunction,
  };
}

beforeAll(() => {
  stack = buildStack().stack;
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding on the whole stack', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`),
    );
    expect(findings).toEqual([]);
  });

  it('acknowledges findings on single resources with a reason, never on the stack or a whole construct tree', () => {
    const acknowledged = stack.node
      .findAll()
      .filter((c) => c.node.metadata.some((m) => m.type === 'aws:cdk:acknowledged-rules'));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged).not.toContain(stack);
    for (const c of acknowledged) {
      // The construct is one resource (or the L2 wrapping it), not a group of resources.
      const own = (c.node.defaultChild ?? c) as { cfnResourceType?: string };
      expect(own.cfnResourceType, c.node.path).toBeDefined();
      for (const m of c.node.metadata.filter((x) => x.type === 'aws:cdk:acknowledged-rules')) {
        for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
          expect(id, c.node.path).toMatch(/AwsSolutions-/);
          expect(reason, `${c.node.path} ${id}`).toMatch(/\w{4,}.*\w{4,}.*\w{4,}/);
        }
      }
    }
  });
});

describe('least-privilege IAM', () => {
  it('gives the table to no function that does not need it', () => {
    const tableId = logicalId(stack.table.table);
    for (const fn of [
      stack.workflow.simulateFunction,
      stack.workflow.deployAuditFunction,
      stack.ingest.authorizerFunction,
    ]) {
      const statements = statementsByRole().get(logicalId(fn.role!)) ?? [];
      expect(JSON.stringify(statements), fn.node.path).not.toContain(tableId);
    }
  });

  it('never grants a wildcard DynamoDB action, and no function can touch the table beyond item reads and writes', () => {
    const tableId = logicalId(stack.table.table);
    for (const [role, statements] of statementsByRole()) {
      for (const s of statements) {
        for (const a of actions(s)) {
          expect(a, role).not.toMatch(/^dynamodb:\*$|^\*$/);
          if (a.startsWith('dynamodb:')) {
            expect(a, role).not.toMatch(/dynamodb:(DeleteTable|UpdateTable|CreateTable|RestoreTable|CreateBackup)/);
          }
        }
        if (actions(s).some((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:ListStreams')) {
          const mentionsTable = asList(s.Resource).every((r) => JSON.stringify(r).includes(`"${tableId}"`));
          expect(mentionsTable, role).toBe(true);
        }
      }
    }
  });

  it('uses Resource "*" only for actions without resource-level permissions (X-Ray, stream listing, log delivery)', () => {
    const machineRole = logicalId(stack.workflow.stateMachine.role);
    for (const [role, statements] of statementsByRole()) {
      const allowed =
        role === machineRole
          ? /^xray:|^logs:[A-Za-z]*(LogDelivery|LogDeliveries|ResourcePolic(y|ies)|LogGroups)$/
          : /^xray:Put|^dynamodb:ListStreams$/;
      for (const s of statements.filter((st) => asList(st.Resource).includes('*'))) {
        for (const a of actions(s)) expect(a, role).toMatch(allowed);
      }
    }
  });

  it('lets only the notify function read the Slack webhook secret', () => {
    const notifyRole = logicalId(stack.changes.notifyFunction.role!);
    const readers = [...statementsByRole()]
      .filter(([, st]) =>
        st.some(
          (s) =>
            actions(s).includes('secretsmanager:GetSecretValue') &&
            JSON.stringify(s.Resource).includes('hyperaudit/slack-webhook'),
        ),
      )
      .map(([role]) => role);
    expect(readers).toEqual([notifyRole]);
  });

  it('lets only the authorizer read the ingest token secret', () => {
    const secretId = logicalId(stack.ingest.tokenSecret);
    const authorizerRole = logicalId(stack.ingest.authorizerFunction.role!);
    const readers = [...statementsByRole()]
      .filter(([, st]) =>
        st.some(
          (s) => actions(s).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource).includes(secretId),
        ),
      )
      .map(([role]) => role);
    expect(readers).toEqual([authorizerRole]);
  });

  it('confines each workflow function to its own prefix of the reports bucket', () => {
    const byRole = statementsByRole();
    const s3Grants = (fn: lambda.Function) =>
      (byRole.get(logicalId(fn.role!)) ?? [])
        .filter((s) => actions(s).some((a) => a.startsWith('s3:')))
        .map((s) => ({ actions: actions(s), resource: JSON.stringify(s.Resource) }));
    const audit = s3Grants(stack.workflow.auditFunction);
    expect(audit.map((g) => g.actions)).toEqual([['s3:PutObject']]);
    expect(audit[0]!.resource).toContain('/runs/*');
    const report = s3Grants(stack.workflow.reportFunction);
    expect([...new Set(report.flatMap((g) => g.actions))].sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
    // Writing (and reading, for the fleet-scale findings.csv's latest copy) under reports/; runs/ is read only.
    const reportsGrant = report.find((g) => g.resource.includes('/reports/*'))!;
    expect(reportsGrant.actions.sort()).toEqual(['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject']);
    expect(report.find((g) => g.actions.join() === 's3:GetObject')!.resource).toContain('/runs/*');
    const puts = report.filter((g) => g.actions.includes('s3:PutObject')).map((g) => g.resource);
    expect(puts).toHaveLength(2);
    // The judged list one run leaves the next (src/app/departed-resources.ts), read and written in place.
    expect(report.find((g) => g.resource.includes('/audit/*'))?.actions).toEqual(['s3:GetObject', 's3:PutObject']);
    const simulate = s3Grants(stack.workflow.simulateFunction);
    expect(simulate.map((g) => g.actions)).toEqual([['s3:GetObject', 's3:PutObject']]);
    expect(simulate[0]!.resource).toContain('/runs/*');
    for (const fn of [stack.ingest.ingestFunction, stack.changes.evaluateFunction, stack.changes.notifyFunction]) {
      expect(s3Grants(fn)).toEqual([]);
    }
  });
});

describe('data at rest and in transit', () => {
  it('keeps the fleet table on-demand, encrypted, point-in-time recoverable, with TTL and a new-and-old-image stream', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('gives the fleet table the one cluster index the local table has, and Query on it to the evaluate function and the shard-preparing audit function only', () => {
    const local = createTableInput('hyperaudit');
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: local.GlobalSecondaryIndexes,
      AttributeDefinitions: Match.arrayWith(local.AttributeDefinitions!.map((d) => Match.objectLike(d))),
    });
    const indexGrants = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([, p]) =>
      JSON.stringify(p).includes(`/index/${TABLE.clusterIndex.name}`),
    );
    // The audit function also prepares each shard (PrepareCluster), which lists its shard by the index.
    expect(indexGrants.map(([id]) => id).sort()).toEqual([
      expect.stringMatching(/^ChangesEvaluate/),
      expect.stringMatching(/^WorkflowAudit/),
    ]);
  });

  it('makes the reports bucket private, TLS-only, encrypted, versioned, logged and expiring', () => {
    const bucketId = logicalId(stack.reports.bucket);
    const bucket = resources[bucketId]!.Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption).toBeDefined();
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.LoggingConfiguration).toMatchObject({
      DestinationBucketName: { Ref: logicalId(stack.reports.accessLogs) },
    });
    const rules = (bucket.LifecycleConfiguration as { Rules: { Prefix?: string; ExpirationInDays?: number }[] }).Rules;
    expect(rules.find((r) => r.Prefix === 'reports/')?.ExpirationInDays).toBe(365);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('encrypts every queue and denies non-TLS access to it', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues).length).toBe(3);
    for (const q of Object.values(queues)) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    expect(Object.keys(template.findResources('AWS::SQS::QueuePolicy')).length).toBe(3);
  });

  it('never puts a secret value or webhook URL into a function environment', () => {
    for (const [name, fn] of Object.entries(functions())) {
      const env = JSON.stringify(resources[logicalId(fn)]!.Properties.Environment ?? {});
      expect(env, name).not.toMatch(/hooks\.slack\.com|SecretString|secretsmanager:/);
    }
    const notifyEnv = (
      resources[logicalId(stack.changes.notifyFunction)]!.Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(notifyEnv.SLACK_WEBHOOK_SECRET_ID).toBe('hyperaudit/slack-webhook');
  });
});

describe('failure handling', () => {
  it('sends ingest messages that keep failing to a dead-letter queue and reports partial batch failures', () => {
    const queue = resources[logicalId(stack.ingest.queue)]!.Properties;
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.ingest.deadLetterQueue), 'Arn'] },
      maxReceiveCount: 5,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.ingest.ingestFunction) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('gives both stream consumers an on-failure queue and filters the records each one needs', () => {
    const dlqArn = { 'Fn::GetAtt': [logicalId(stack.changes.deadLetterQueue), 'Arn'] };
    const evaluate = template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { FunctionName: { Ref: logicalId(stack.changes.evaluateFunction) } },
    });
    const notify = template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { FunctionName: { Ref: logicalId(stack.changes.notifyFunction) } },
    });
    for (const mapping of [...Object.values(evaluate), ...Object.values(notify)]) {
      expect(mapping.Properties.DestinationConfig).toEqual({ OnFailure: { Destination: dlqArn } });
    }
    const evaluateFilter = JSON.parse(
      Object.values(evaluate)[0]!.Properties.FilterCriteria.Filters[0].Pattern as string,
    );
    expect(evaluateFilter).toEqual({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'EV#' }] } } } });
    const notifyFilter = JSON.parse(Object.values(notify)[0]!.Properties.FilterCriteria.Filters[0].Pattern as string);
    expect(notifyFilter).toEqual({ dynamodb: { Keys: { pk: { S: ['FINDINGS'] } } } });
  });

  it("alarms on both dead-letter queues, every function's errors, failed runs and a refused Slack webhook, all to the SNS topic", () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const topic = { Ref: logicalId(stack.alarms.topic) };
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([topic]);
    const byMetric = (name: string) => alarms.filter((a) => a.Properties.MetricName === name);
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(2);
    expect(byMetric('Errors')).toHaveLength(Object.keys(functions()).length);
    const math = alarms.filter((a) => a.Properties.Metrics !== undefined);
    expect(JSON.stringify(math)).toContain('ExecutionsFailed');
    // The metric the notify function emits when Slack refuses the webhook, with Powertools' service dimension.
    expect(byMetric('SlackMisconfigured')).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({
          Namespace: 'Hyperaudit',
          Dimensions: [{ Name: 'service', Value: 'hyperaudit-notify' }],
        }),
      }),
    ]);
  });
});

describe('ingest endpoint', () => {
  it('requires the bearer-token authorizer on POST /events, uncached, and writes straight to the queue', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /events',
      AuthorizationType: 'CUSTOM',
      AuthorizerId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['$request.header.Authorization'],
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationSubtype: 'SQS-SendMessage',
      RequestParameters: {
        QueueUrl: { Ref: logicalId(stack.ingest.queue) },
        MessageBody: '$request.body',
        MessageAttributes: Match.stringLikeRegexp('hyperaudit-envelope.*context\\.authorizer\\.envelope'),
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('lets the ingest queue and its DLQ hold the largest body the authorizer admits', () => {
    for (const q of [stack.ingest.queue, stack.ingest.deadLetterQueue]) {
      expect(resources[logicalId(q)]!.Properties.MaximumMessageSize).toBe(1_048_576);
    }
    expect(() => buildStack({ 'hyperaudit:maxBodyBytes': '2000000' })).toThrow(/hyperaudit:maxBodyBytes/);
  });

  it('passes the configured body limit to the authorizer', () => {
    const { stack: small } = buildStack({ 'hyperaudit:maxBodyBytes': '65536' });
    const t = Template.fromStack(small);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MAX_BODY_BYTES: '65536' }) },
    });
  });

  it('routes every event on the hyperaudit bus from this account to the ingest queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalId(stack.ingest.bus) },
      EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack.ingest.queue), 'Arn'] } })],
    });
  });
});

describe('audit workflow', () => {
  it('runs the split, a distributed map over the shard list in S3 (simulate then audit each), report and digest, in that order', () => {
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    const def = renderDefinition(machine.Properties.DefinitionString) as {
      StartAt: string;
      States: Record<string, Record<string, unknown>>;
    };
    const order: string[] = [];
    for (let s: string | undefined = def.StartAt; s !== undefined; s = def.States[s]!.Next as string | undefined)
      order.push(s);
    expect(order).toEqual(['FullAudit', 'SimulateClusters', 'PlanRequested']);
    // Without a plan in the run input the Choice goes straight to the report.
    expect(def.States.PlanRequested).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.plan', IsPresent: true, Next: 'PlanFixes' }],
      Default: 'WriteReport',
    });
    expect(def.States.PlanFixes).toMatchObject({ Next: 'WriteReport', ResultPath: '$.planned' });
    expect(JSON.stringify(def.States.PlanFixes!.Resource)).toContain(logicalId(stack.workflow.planFunction));
    expect(def.States.WriteReport!.Next).toBe('SlackDigest');
    const map = def.States.SimulateClusters!;
    expect(map.Type).toBe('Map');
    expect((map.ItemProcessor as { ProcessorConfig: unknown }).ProcessorConfig).toEqual({
      Mode: 'DISTRIBUTED',
      ExecutionType: 'STANDARD',
    });
    expect(map.ItemReader).toMatchObject({
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { 'Key.$': '$.audit.clustersKey' },
    });
    expect(String((map.ItemReader as { Resource: string }).Resource)).toMatch(/:states:::s3:getObject$/);
    expect(map.ResultPath).toBeNull();
    const processor = map.ItemProcessor as {
      StartAt: string;
      States: Record<string, { Retry?: { ErrorEquals: string[] }[]; Next?: string; Default?: string }>;
    };
    // A shard the start step did not split prepares itself first; every shard is audited; only one with hosts is
    // simulated first.
    expect(processor.StartAt).toBe('ShardPrepared');
    expect(processor.States.ShardPrepared).toMatchObject({ Default: 'ShardHasHosts' });
    expect(processor.States.PrepareCluster!.Next).toBe('UsePrepared');
    expect(processor.States.UsePrepared!.Next).toBe('ShardHasHosts');
    expect(processor.States.ShardHasHosts).toMatchObject({ Default: 'AuditCluster' });
    expect(processor.States.SimulateCluster!.Next).toBe('AuditCluster');
    for (const task of ['PrepareCluster', 'SimulateCluster', 'AuditCluster'])
      expect(processor.States[task]!.Retry!.flatMap((r) => r.ErrorEquals)).toContain('Lambda.TooManyRequestsException');
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
  });

  it('catches a failure of every state, records it through the notify function and ends the run in RunFailed', () => {
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    const def = renderDefinition(machine.Properties.DefinitionString) as {
      States: Record<string, Record<string, unknown>>;
    };
    for (const name of ['FullAudit', 'SimulateClusters', 'PlanFixes', 'WriteReport', 'SlackDigest']) {
      const [catcher] = def.States[name]!.Catch as { ErrorEquals: string[]; Next: string }[];
      expect(catcher?.ErrorEquals, name).toEqual(['States.ALL']);
      expect(def.States[catcher!.Next]).toMatchObject({
        Type: 'Pass',
        Next: 'RecordFailure',
        Parameters: { state: name },
      });
    }
    expect(JSON.stringify(def.States.RecordFailure!.Resource)).toContain(logicalId(stack.changes.notifyFunction));
    expect(def.States.RecordFailure).toMatchObject({
      Next: 'RunFailed',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'RunFailed' }],
    });
    expect(def.States.RunFailed).toMatchObject({
      Type: 'Fail',
      ErrorPath: '$.failure.error',
      CausePath: '$.failure.cause',
    });
  });

  it('runs one notify at a time: the stream, the outbox drain and the SlackDigest step all invoke one function reserved at concurrency 1', () => {
    const notifyId = logicalId(stack.changes.notifyFunction);
    expect(resources[notifyId]!.Properties.ReservedConcurrentExecutions).toBe(1);
    const others = Object.entries(functions()).filter(([name]) => name !== 'notify');
    for (const [name, fn] of others)
      expect(resources[logicalId(fn)]!.Properties.ReservedConcurrentExecutions, name).toBeUndefined();

    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    const def = renderDefinition(machine.Properties.DefinitionString) as { States: Record<string, unknown> };
    expect(JSON.stringify(def.States.SlackDigest)).toContain(notifyId);
    const drain = Object.values(template.findResources('AWS::Scheduler::Schedule')).filter((r) =>
      JSON.stringify(r.Properties.Target).includes(notifyId),
    );
    expect(drain).toHaveLength(1);
    expect(
      template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: notifyId } } }),
    ).not.toEqual({});
  });

  it('leaves notify unreserved when the account cannot reserve concurrency (notifyReservedConcurrency 0)', () => {
    const { stack: small } = buildStack({ 'hyperaudit:notifyReservedConcurrency': '0' });
    const smallResources = Template.fromStack(small).toJSON().Resources as Record<
      string,
      { Properties: Record<string, unknown> }
    >;
    expect(
      smallResources[small.getLogicalId(small.changes.notifyFunction.node.defaultChild as CfnElement)]!.Properties
        .ReservedConcurrentExecutions,
    ).toBeUndefined();
    expect(() => buildStack({ 'hyperaudit:notifyReservedConcurrency': '5' })).toThrow(
      /hyperaudit:notifyReservedConcurrency/,
    );
  });

  it('starts the state machine on the default schedule in UTC', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      Target: Match.objectLike({
        Arn: { Ref: logicalId(stack.workflow.stateMachine) },
        Input: JSON.stringify({ trigger: 'schedule', scope: { kind: 'fleet' } }),
      }),
    });
  });

  it('asks the scheduled run for a plan when hyperaudit:planGoal is set', () => {
    const { stack: planning } = buildStack({ 'hyperaudit:planGoal': 'fix', 'hyperaudit:planMaxMoves': '40' });
    Template.fromStack(planning).hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({
        Input: JSON.stringify({ trigger: 'schedule', scope: { kind: 'fleet' }, plan: { goal: 'fix', maxMoves: 40 } }),
      }),
    });
    expect(() => buildStack({ 'hyperaudit:planGoal': 'tidy' })).toThrow(/hyperaudit:planGoal/);
  });

  it('takes the schedule, time zone and fail threshold from cdk context', () => {
    const { stack: custom } = buildStack({
      'hyperaudit:schedule': 'cron(30 2 ? * MON *)',
      'hyperaudit:scheduleTimezone': 'Europe/Paris',
      'hyperaudit:failThreshold': 'critical',
    });
    const t = Template.fromStack(custom);
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 2 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ FAIL_THRESHOLD: 'critical', SLACK_WEBHOOK_SECRET_ID: Match.anyValue() }),
      },
    });
  });

  it('ships a configured perimeters file with the audit functions and tells them where it is', () => {
    const { stack: withPerimeters } = buildStack({
      'hyperaudit:perimetersFile': 'test/fixtures/functions/perimeters.ndjson',
    });
    const t = Template.fromStack(withPerimeters);
    const auditEnv = t.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { PERIMETERS_FILE: 'config/perimeters.ndjson' } } },
    });
    // The start step stores them; evaluate, the audit shards, plan and report run with the same files.
    expect(Object.keys(auditEnv)).toHaveLength(5);
  });

  it('documents every context key in docs/deploy.md with its default', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'deploy.md'), 'utf8');
    const defaults = HyperauditConfigSchema.parse({}) as Record<string, unknown>;
    for (const key of Object.keys(HyperauditConfigSchema.shape)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${CONTEXT_PREFIX}${key}\``));
      expect(row, key).toBeDefined();
      expect(row, key).toContain(defaults[key] === undefined ? 'none' : `\`${String(defaults[key])}\``);
    }
  });

  it('refuses an invalid context value and names the key', () => {
    expect(() => buildStack({ 'hyperaudit:schedule': 'every day' })).toThrow(/hyperaudit:schedule/);
    expect(() => buildStack({ 'hyperaudit:schedule': 'rate(90 days)' })).toThrow(
      /hyperaudit:schedule: runs too rarely: the run also compacts the table/,
    );
    expect(() => buildStack({ 'hyperaudit:failThreshold': 'urgent' })).toThrow(/hyperaudit:failThreshold/);
    expect(() => buildStack({ 'hyperaudit:perimetersFile': 'config/missing.ndjson' })).toThrow(
      /hyperaudit:perimetersFile: config\/missing\.ndjson does not exist/,
    );
    expect(() => buildStack({ 'hyperaudit:tracesDir': '../elsewhere' })).toThrow(
      /hyperaudit:tracesDir: must be a path inside the repository/,
    );
  });

  it('starts an audit after successful CloudFormation, CodeDeploy and CodePipeline deployments', () => {
    const target = Match.arrayWith([
      Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack.workflow.deployAuditFunction), 'Arn'] } }),
    ]);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudformation'],
        'detail-type': ['CloudFormation Stack Status Change'],
        detail: { 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] } },
      },
      Targets: target,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.codedeploy'], detail: { state: ['SUCCESS'] } },
      Targets: target,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.codepipeline'], detail: { state: ['SUCCEEDED'] } },
      Targets: target,
    });
  });
});

describe('function defaults', () => {
  it('builds every Lambda for Node 22 on ARM64 with active tracing, JSON logs and Powertools settings', () => {
    for (const [name, fn] of Object.entries(functions())) {
      const p = resources[logicalId(fn)]!.Properties;
      expect(p.Runtime, name).toBe('nodejs22.x');
      expect(p.Architectures, name).toEqual(['arm64']);
      expect(p.TracingConfig, name).toEqual({ Mode: 'Active' });
      expect(p.Handler, name).toBe('index.handler');
      const vars = (p.Environment as { Variables: Record<string, string> }).Variables;
      expect(vars.POWERTOOLS_SERVICE_NAME, name).toMatch(/^hyperaudit-/);
      expect(vars.POWERTOOLS_METRICS_NAMESPACE, name).toBe('Hyperaudit');
      expect(p.LoggingConfig, name).toMatchObject({
        LogFormat: 'JSON',
        LogGroup: { Ref: expect.stringMatching(/Logs/) },
      });
    }
    expect(Stack.of(stack.changes.notifyFunction)).toBe(stack);
  });
});
