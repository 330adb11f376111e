import { Duration, TimeZone } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { Severity } from '../../src/model/finding';
import { acknowledgeWildcards, logicalIdOf, nagArnOf } from '../nag/acknowledgements';
import { HyperauditFunction, type BundledFile } from './hyperaudit-function';
import { grantTableAccess } from './table-access';
import { SHARD_MAP_CONCURRENCY } from './shard-map';

/** Working files of one run (cluster list, simulation shards) and the published reports. */
export const RUNS_PREFIX = 'runs/';
export const REPORTS_PREFIX = 'reports/';
/** What one run leaves the next (`audit/judged.json`: src/app/departed-resources.ts); kept across runs. */
export const AUDIT_STATE_PREFIX = 'audit/';

export interface AuditWorkflowProps {
  table: dynamodb.ITable;
  reports: s3.IBucket;
  notifyFunction: lambda.IFunction;
  /** Scheduler expression, `cron(...)` or `rate(...)`. */
  schedule: string;
  scheduleTimezone: string;
  failThreshold: Severity;
  /** Rule packs and perimeters the audit shard, plan and report functions read at run time. */
  auditFiles: BundledFile[];
  /** The perimeters file alone (if any), which the start step stores before splitting the fleet. */
  perimeterFiles: BundledFile[];
  perimeterEnvironment: Record<string, string>;
  /** auditFiles plus what the HTML report reads at run time. */
  reportFiles: BundledFile[];
  /** The workload traces the simulation shards replay. */
  tracesFiles: BundledFile[];
  tracesEnvironment: Record<string, string>;
  /** When set, every scheduled run plans fixes with these settings before its report (issue 18). */
  plan?: { goal: 'fix' | 'balance' | 'energy'; maxMoves: number };
  auditEnvironment: Record<string, string>;
  logRetention: logs.RetentionDays;
  metricsNamespace: string;
}

/**
 * The compliance run: split the fleet per cluster → per cluster, simulate then audit (Distributed Map reading
 * the shard list the first step wrote to S3) → optionally plan fixes → merge the audits and write the report
 * files to S3 → Slack digest. Started on a schedule and after successful deployments (CloudFormation,
 * CodeDeploy, CodePipeline).
 */
export class AuditWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly auditFunction: HyperauditFunction;
  readonly simulateFunction: HyperauditFunction;
  readonly auditShardFunction: HyperauditFunction;
  readonly planFunction: HyperauditFunction;
  readonly reportFunction: HyperauditFunction;
  readonly deployAuditFunction: HyperauditFunction;
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: AuditWorkflowProps) {
    super(scope, id);
    const common = {
      logRetention: props.logRetention,
      metricsNamespace: props.metricsNamespace,
    };
    const storeEnv = {
      TABLE_NAME: props.table.tableName,
      REPORTS_BUCKET: props.reports.bucketName,
      FAIL_THRESHOLD: props.failThreshold,
      ...props.auditEnvironment,
    };

    this.auditFunction = new HyperauditFunction(this, 'Audit', {
      handlerDir: 'audit',
      description:
        'Lists the shards of a run; per shard, compacts and replays it into its simulation and audit work files',
      timeout: Duration.minutes(10),
      memorySize: 1024,
      files: props.perimeterFiles,
      environment: {
        TABLE_NAME: props.table.tableName,
        REPORTS_BUCKET: props.reports.bucketName,
        ...props.perimeterEnvironment,
      },
      ...common,
    });
    grantTableAccess(props.table, this.auditFunction, 'audit');
    this.allowObjects(this.auditFunction, props.reports, ['s3:PutObject'], RUNS_PREFIX);

    this.simulateFunction = new HyperauditFunction(this, 'SimulateShard', {
      handlerDir: 'simulate-shard',
      description: 'Simulates one cluster from the run files and writes its result beside them',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      // Works from the cluster file the audit step wrote: no table access at all.
      files: props.tracesFiles,
      environment: { REPORTS_BUCKET: props.reports.bucketName, ...props.tracesEnvironment },
      ...common,
    });
    this.allowObjects(this.simulateFunction, props.reports, ['s3:GetObject', 's3:PutObject'], RUNS_PREFIX);

    this.auditShardFunction = new HyperauditFunction(this, 'AuditShard', {
      handlerDir: 'audit-shard',
      description:
        'Audits one cluster from its run files, runs its findings lifecycle and stages the changes beside them',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      // Reads (never writes) the stored findings of its own resources, and stages its lifecycle in the run files.
      files: props.auditFiles,
      environment: {
        TABLE_NAME: props.table.tableName,
        REPORTS_BUCKET: props.reports.bucketName,
        ...props.auditEnvironment,
      },
      ...common,
    });
    this.allowObjects(this.auditShardFunction, props.reports, ['s3:GetObject', 's3:PutObject'], RUNS_PREFIX);
    grantTableAccess(props.table, this.auditShardFunction, 'auditShard');

    this.planFunction = new HyperauditFunction(this, 'Plan', {
      handlerDir: 'plan',
      description: 'Plans the migrations that clear placement findings and stores the plan for the report',
      timeout: Duration.minutes(10),
      memorySize: 1536,
      files: [...props.auditFiles, ...props.tracesFiles],
      environment: { ...storeEnv, ...props.tracesEnvironment },
      ...common,
    });
    grantTableAccess(props.table, this.planFunction, 'plan');

    this.reportFunction = new HyperauditFunction(this, 'Report', {
      handlerDir: 'report',
      description: 'Merges findings and simulation shards into report files and queues the Slack digest',
      timeout: Duration.minutes(10),
      memorySize: 1536,
      files: props.reportFiles,
      environment: storeEnv,
      ...common,
    });
    grantTableAccess(props.table, this.reportFunction, 'report');
    this.allowObjects(this.reportFunction, props.reports, ['s3:GetObject'], RUNS_PREFIX);
    this.reportFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.reports.bucketArn],
        // The judged list's prefix too: without ListBucket, S3 answers a GetObject of a missing key (a table's
        // first run) with AccessDenied instead of NoSuchKey.
        conditions: { StringLike: { 's3:prefix': [`${RUNS_PREFIX}*`, `${AUDIT_STATE_PREFIX}*`] } },
      }),
    );
    // A fleet-scale findings.csv is a multipart upload of the shards' rows (UploadPartCopy reads them under runs/), and
    // its `latest` copy is copied from the run's file in ranged parts: reading reports/ too, and aborting a failed one.
    this.allowObjects(
      this.reportFunction,
      props.reports,
      ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
      REPORTS_PREFIX,
    );
    this.allowObjects(this.reportFunction, props.reports, ['s3:GetObject', 's3:PutObject'], AUDIT_STATE_PREFIX);

    // The state keeps its name (FullAudit): alarms, dashboards and runbooks know it. It starts the audit.
    const audit = new tasks.LambdaInvoke(this, 'FullAudit', {
      lambdaFunction: this.auditFunction,
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.executionName,
        trigger: sfn.JsonPath.stringAt('$.trigger'),
        scope: sfn.JsonPath.objectAt('$.scope'),
      }),
      payloadResponseOnly: true,
      resultPath: '$.audit',
      taskTimeout: sfn.Timeout.duration(Duration.minutes(10)),
    });

    const simulateCluster = new tasks.LambdaInvoke(this, 'SimulateCluster', {
      lambdaFunction: this.simulateFunction,
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.stringAt('$.runId'),
        clusterId: sfn.JsonPath.stringAt('$.clusterId'),
      }),
      payloadResponseOnly: true,
      // The result is in S3; the item goes on to its audit unchanged.
      resultPath: sfn.JsonPath.DISCARD,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(5)),
    });
    const auditCluster = new tasks.LambdaInvoke(this, 'AuditCluster', {
      lambdaFunction: this.auditShardFunction,
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.stringAt('$.runId'),
        clusterId: sfn.JsonPath.stringAt('$.clusterId'),
        // The start step settled the run's profile: the shard stages findings under it, as the finish step commits.
        profile: sfn.JsonPath.stringAt('$.profile'),
      }),
      payloadResponseOnly: true,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(5)),
    });
    // Only a shard with hosts has something to simulate: `(no cluster)` may hold just VMs on unreported hosts.
    const shardHasHosts = new sfn.Choice(this, 'ShardHasHosts')
      .when(sfn.Condition.booleanEquals('$.simulate', true), simulateCluster.next(auditCluster))
      .otherwise(auditCluster);
    // Each shard compacts and replays itself, so the start step reads no entity (prepare-shard.ts); it then says
    // whether it has hosts to simulate. Items the start step already split from a whole-table read skip it.
    const prepareCluster = new tasks.LambdaInvoke(this, 'PrepareCluster', {
      lambdaFunction: this.auditFunction,
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.stringAt('$.runId'),
        clusterId: sfn.JsonPath.stringAt('$.clusterId'),
        window: sfn.JsonPath.objectAt('$.window'),
        auditedAt: sfn.JsonPath.stringAt('$.auditedAt'),
      }),
      payloadResponseOnly: true,
      resultPath: '$.prepared',
      taskTimeout: sfn.Timeout.duration(Duration.minutes(5)),
    });
    const usePrepared = new sfn.Pass(this, 'UsePrepared', {
      parameters: {
        runId: sfn.JsonPath.stringAt('$.runId'),
        clusterId: sfn.JsonPath.stringAt('$.clusterId'),
        simulate: sfn.JsonPath.stringAt('$.prepared.simulate'),
        profile: sfn.JsonPath.stringAt('$.profile'),
      },
    });
    const shardPrepared = new sfn.Choice(this, 'ShardPrepared')
      .when(sfn.Condition.booleanEquals('$.prepare', true), prepareCluster.next(usePrepared).next(shardHasHosts))
      .otherwise(shardHasHosts);
    const simulate = new sfn.DistributedMap(this, 'SimulateClusters', {
      itemReader: new sfn.S3JsonItemReader({
        bucket: props.reports,
        key: sfn.JsonPath.stringAt('$.audit.clustersKey'),
      }),
      itemSelector: {
        runId: sfn.JsonPath.stringAt('$.audit.runId'),
        clusterId: sfn.JsonPath.stringAt('$$.Map.Item.Value.clusterId'),
        simulate: sfn.JsonPath.stringAt('$$.Map.Item.Value.simulate'),
        prepare: sfn.JsonPath.stringAt('$$.Map.Item.Value.prepare'),
        window: sfn.JsonPath.objectAt('$.audit.window'),
        auditedAt: sfn.JsonPath.stringAt('$.audit.auditedAt'),
        profile: sfn.JsonPath.stringAt('$.audit.profile'),
      },
      maxConcurrency: SHARD_MAP_CONCURRENCY,
      // Shards write their results to S3; the state payload stays small however many clusters there are.
      resultPath: sfn.JsonPath.DISCARD,
    });
    simulate.itemProcessor(shardPrepared);

    // The optional plan step (issue 18): runs when the run input carries `plan: {goal, maxMoves}` (the schedule
    // does when hyperaudit:planGoal is set), on the fleet this run audits; the report shows the stored plan.
    const plan = new tasks.LambdaInvoke(this, 'PlanFixes', {
      lambdaFunction: this.planFunction,
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.stringAt('$.audit.runId'),
        trigger: sfn.JsonPath.stringAt('$.trigger'),
        scope: sfn.JsonPath.objectAt('$.scope'),
        plan: sfn.JsonPath.objectAt('$.plan'),
      }),
      payloadResponseOnly: true,
      resultPath: '$.planned',
      taskTimeout: sfn.Timeout.duration(Duration.minutes(10)),
    });

    const report = new tasks.LambdaInvoke(this, 'WriteReport', {
      lambdaFunction: this.reportFunction,
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.stringAt('$.audit.runId'),
        trigger: sfn.JsonPath.stringAt('$.trigger'),
        scope: sfn.JsonPath.objectAt('$.scope'),
        audit: sfn.JsonPath.objectAt('$.audit'),
      }),
      payloadResponseOnly: true,
      resultPath: '$.report',
      taskTimeout: sfn.Timeout.duration(Duration.minutes(10)),
    });

    const digest = new tasks.LambdaInvoke(this, 'SlackDigest', {
      lambdaFunction: props.notifyFunction,
      payload: sfn.TaskInput.fromObject({ runId: sfn.JsonPath.stringAt('$.audit.runId') }),
      payloadResponseOnly: true,
      resultPath: '$.notify',
      taskTimeout: sfn.Timeout.duration(Duration.minutes(2)),
    });

    // A failed state ends the run as failed, with its error and cause: recorded in the table and told to Slack
    // once by the notify function (which owns the webhook), then the execution fails, which the
    // AuditRunFailed alarm watches. If recording fails too, the run still ends in RunFailed.
    const runFailed = new sfn.Fail(this, 'RunFailed', { errorPath: '$.failure.error', causePath: '$.failure.cause' });
    const recordFailure = new tasks.LambdaInvoke(this, 'RecordFailure', {
      lambdaFunction: props.notifyFunction,
      payload: sfn.TaskInput.fromObject({ runFailed: sfn.JsonPath.objectAt('$.failure') }),
      payloadResponseOnly: true,
      resultPath: '$.notify',
      taskTimeout: sfn.Timeout.duration(Duration.minutes(2)),
    });
    recordFailure.addCatch(runFailed, { resultPath: '$.recordError' });
    recordFailure.next(runFailed);
    for (const [state, name] of [
      [audit, 'FullAudit'],
      [simulate, 'SimulateClusters'],
      [plan, 'PlanFixes'],
      [report, 'WriteReport'],
      [digest, 'SlackDigest'],
    ] as const) {
      const describe = new sfn.Pass(this, `${name}Failed`, {
        parameters: {
          runId: sfn.JsonPath.executionName,
          trigger: sfn.JsonPath.stringAt('$.trigger'),
          state: name,
          error: sfn.JsonPath.stringAt('$.error.Error'),
          // The whole error output as text: Step Functions does not promise a Cause for every error.
          cause: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.error')),
        },
        resultPath: '$.failure',
      });
      state.addCatch(describe, { resultPath: '$.error' });
      describe.next(recordFailure);
    }

    // Lambda throttles when the fan-out meets the account's concurrency limit: wait and retry, do not fail the run.
    for (const task of [audit, prepareCluster, simulateCluster, auditCluster, plan, report, digest, recordFailure]) {
      task.addRetry({
        errors: ['Lambda.TooManyRequestsException'],
        interval: Duration.seconds(5),
        maxAttempts: 8,
        backoffRate: 2,
        jitterStrategy: sfn.JitterType.FULL,
      });
    }

    report.next(digest);
    const planRequested = new sfn.Choice(this, 'PlanRequested')
      .when(sfn.Condition.isPresent('$.plan'), plan.next(report))
      .otherwise(report);

    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', { retention: props.logRetention });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(audit.next(simulate).next(planRequested)),
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    const machineRole = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (machineRole !== undefined) {
      acknowledgeWildcards(
        machineRole,
        [
          this.auditFunction,
          this.simulateFunction,
          this.auditShardFunction,
          this.planFunction,
          this.reportFunction,
          props.notifyFunction,
        ].map((fn) => `Resource::${nagArnOf(fn)}:*`),
        'LambdaInvoke grants the function and its versions (ARN:*); the state machine invokes only these six functions.',
      );
      acknowledgeWildcards(
        machineRole,
        ['Resource::*', `Resource::arn:<AWS::Partition>:s3:::<${logicalIdOf(props.reports)}>/*`],
        'X-Ray tracing and CloudWatch Logs delivery setup support no resource-level permissions; the Distributed Map ItemReader reads a cluster list whose key is chosen per run.',
      );
    }
    const mapPolicy = this.stateMachine.node.tryFindChild('DistributedMapPolicy');
    if (mapPolicy !== undefined) {
      const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalIdOf(this.stateMachine)}"}]}]}`;
      acknowledgeWildcards(
        mapPolicy,
        [`Resource::${executions}:*`, `Resource::${executions}/*:*`],
        'Generated by DistributedMap: the state machine may describe and stop only its own executions and their child runs, whose ARNs exist per run.',
      );
    }

    this.schedule = new scheduler.Schedule(this, 'ReportSchedule', {
      description: 'Scheduled hyperaudit compliance report',
      schedule: scheduler.ScheduleExpression.expression(props.schedule, TimeZone.of(props.scheduleTimezone)),
      target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({
          trigger: 'schedule',
          scope: { kind: 'fleet' },
          ...(props.plan !== undefined && { plan: props.plan }),
        }),
        retryAttempts: 3,
      }),
    });

    this.deployAuditFunction = new HyperauditFunction(this, 'DeployAudit', {
      handlerDir: 'deploy-audit',
      description: 'Starts the audit state machine for a successful deployment',
      timeout: Duration.seconds(15),
      memorySize: 256,
      environment: { STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
      ...common,
    });
    this.stateMachine.grantStartExecution(this.deployAuditFunction);
    const deployTarget = new targets.LambdaFunction(this.deployAuditFunction, { retryAttempts: 4 });
    new events.Rule(this, 'OnStackDeployed', {
      description: 'A CloudFormation stack finished creating or updating',
      eventPattern: {
        source: ['aws.cloudformation'],
        detailType: ['CloudFormation Stack Status Change'],
        detail: { 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE'] } },
      },
      targets: [deployTarget],
    });
    new events.Rule(this, 'OnCodeDeploySucceeded', {
      description: 'A CodeDeploy deployment succeeded',
      eventPattern: {
        source: ['aws.codedeploy'],
        detailType: ['CodeDeploy Deployment State-change Notification'],
        detail: { state: ['SUCCESS'] },
      },
      targets: [deployTarget],
    });
    new events.Rule(this, 'OnPipelineSucceeded', {
      description: 'A CodePipeline execution succeeded',
      eventPattern: {
        source: ['aws.codepipeline'],
        detailType: ['CodePipeline Pipeline Execution State Change'],
        detail: { state: ['SUCCEEDED'] },
      },
      targets: [deployTarget],
    });
  }

  /** One S3 action on one key prefix of the reports bucket: the narrowest grant the run's file layout allows. */
  private allowObjects(fn: lambda.IFunction, bucket: s3.IBucket, actions: string[], prefix: string): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [bucket.arnForObjects(`${prefix}*`)] }));
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (policy !== undefined) {
      acknowledgeWildcards(
        policy,
        [`Resource::${nagArnOf(bucket)}/${prefix}*`],
        `Object keys under ${prefix} are chosen per run (run id, report date); the grant is limited to that prefix.`,
      );
    }
  }
}
