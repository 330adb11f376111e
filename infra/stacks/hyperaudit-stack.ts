import * as path from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { HyperauditConfig } from '../config';
import { Alarms } from '../constructs/alarms';
import { AuditWorkflow } from '../constructs/audit-workflow';
import { ChangeEvaluation } from '../constructs/change-evaluation';
import { FleetTable } from '../constructs/fleet-table';
import type { BundledFile } from '../constructs/hyperaudit-function';
import { IngestApi } from '../constructs/ingest-api';
import { ReportsBucket } from '../constructs/reports-bucket';
import { VsphereCollector } from '../constructs/vsphere-collector';
import { acknowledgeFunctionDefaults } from '../nag/acknowledgements';

export interface HyperauditStackProps extends StackProps {
  config: HyperauditConfig;
}

/** Where rule packs and the optional perimeters file sit inside each audit bundle (/var/task/...). */
export const BUNDLED_RULES_DIR = 'rules';
/** The perimeters file keeps its name (its extension tells the reader JSON from NDJSON). */
export const BUNDLED_CONFIG_DIR = 'config';
export const BUNDLED_TRACES_DIR = 'traces';
const METRICS_NAMESPACE = 'Hyperaudit';
const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

export class HyperauditStack extends Stack {
  readonly table: FleetTable;
  readonly ingest: IngestApi;
  readonly reports: ReportsBucket;
  readonly changes: ChangeEvaluation;
  readonly workflow: AuditWorkflow;
  readonly alarms: Alarms;
  /** Only when `hyperaudit:vsphereUrl` is set. */
  readonly vsphere?: VsphereCollector;

  constructor(scope: Construct, id: string, props: HyperauditStackProps) {
    super(scope, id, props);
    const { config } = props;
    const common = { logRetention: LOG_RETENTION, metricsNamespace: METRICS_NAMESPACE };

    const perimeterFiles: BundledFile[] = [];
    const perimeterEnvironment: Record<string, string> = {};
    if (config.perimetersFile !== undefined) {
      const bundled = `${BUNDLED_CONFIG_DIR}/${path.basename(config.perimetersFile)}`;
      perimeterFiles.push({ from: config.perimetersFile, to: bundled });
      perimeterEnvironment.PERIMETERS_FILE = bundled;
    }
    const auditFiles: BundledFile[] = [{ from: 'rules', to: BUNDLED_RULES_DIR }, ...perimeterFiles];
    const auditEnvironment: Record<string, string> = { RULES_DIR: BUNDLED_RULES_DIR, ...perimeterEnvironment };
    // Checked against the rules at synth (infra/config.ts); every function that loads rules applies them.
    if (config.params !== undefined) auditEnvironment.RULE_PARAMS = JSON.stringify(config.params);

    // The HTML report inlines its script, stylesheet and Chart.js, which it reads from disk at run time:
    // assets/ next to the bundle (import.meta.url-relative), chart.js where require.resolve finds it.
    const reportFiles: BundledFile[] = [
      ...auditFiles,
      { from: 'src/report/html/assets', to: 'assets' },
      ...['package.json', 'dist/chart.cjs', 'dist/chart.umd.js'].map((f) => ({
        from: `node_modules/chart.js/${f}`,
        to: `node_modules/chart.js/${f}`,
      })),
    ];

    this.table = new FleetTable(this, 'Fleet');
    this.reports = new ReportsBucket(this, 'Reports', { reportRetentionDays: config.reportRetentionDays });
    this.ingest = new IngestApi(this, 'Ingest', {
      table: this.table.table,
      ingestTokenSecretName: config.ingestTokenSecretName,
      maxBodyBytes: config.maxBodyBytes,
      maxClockSkewSeconds: config.maxClockSkewSeconds,
      ...common,
    });
    this.changes = new ChangeEvaluation(this, 'Changes', {
      table: this.table.table,
      webhookSecretName: config.webhookSecretName,
      failThreshold: config.failThreshold,
      notifyReservedConcurrency: config.notifyReservedConcurrency,
      auditFiles,
      auditEnvironment,
      ...common,
    });
    this.workflow = new AuditWorkflow(this, 'Workflow', {
      table: this.table.table,
      reports: this.reports.bucket,
      notifyFunction: this.changes.notifyFunction,
      schedule: config.schedule,
      scheduleTimezone: config.scheduleTimezone,
      failThreshold: config.failThreshold,
      auditFiles,
      perimeterFiles,
      perimeterEnvironment,
      reportFiles,
      tracesFiles: [{ from: config.tracesDir, to: BUNDLED_TRACES_DIR }],
      tracesEnvironment: { TRACES_DIR: BUNDLED_TRACES_DIR },
      ...(config.planGoal !== undefined && { plan: { goal: config.planGoal, maxMoves: config.planMaxMoves } }),
      auditEnvironment,
      ...common,
    });

    if (config.vsphereUrl !== undefined) {
      this.vsphere = new VsphereCollector(this, 'Vsphere', {
        table: this.table.table,
        url: config.vsphereUrl,
        secretName: config.vsphereSecretName,
        schedule: config.vsphereSchedule,
        vpcId: config.vsphereVpcId!,
        subnetIds: config.vsphereSubnetIds!.split(','),
        securityGroupId: config.vsphereSecurityGroupId!,
        ...common,
      });
    }

    this.alarms = new Alarms(this, 'Alarms', { alarmEmail: config.alarmEmail });
    this.alarms.queueNotEmpty('IngestDeadLetters', this.ingest.deadLetterQueue, 'Ingest DLQ');
    this.alarms.queueNotEmpty('StreamDeadLetters', this.changes.deadLetterQueue, 'Stream consumer DLQ');
    const functions = {
      Authorizer: this.ingest.authorizerFunction,
      Ingest: this.ingest.ingestFunction,
      Evaluate: this.changes.evaluateFunction,
      Notify: this.changes.notifyFunction,
      Audit: this.workflow.auditFunction,
      SimulateShard: this.workflow.simulateFunction,
      AuditShard: this.workflow.auditShardFunction,
      Plan: this.workflow.planFunction,
      Report: this.workflow.reportFunction,
      DeployAudit: this.workflow.deployAuditFunction,
    };
    if (this.vsphere) Object.assign(functions, { CollectVsphere: this.vsphere.collectFunction });
    for (const [name, fn] of Object.entries(functions)) this.alarms.functionErrors(`${name}Errors`, fn);
    this.alarms.executionsFailed('AuditRunFailed', this.workflow.stateMachine);
    // Slack refused the webhook (revoked, mistyped secret): digests wait in the outbox until someone fixes it.
    this.alarms.metricReported('SlackWebhookRefused', {
      namespace: METRICS_NAMESPACE,
      service: 'hyperaudit-notify',
      metricName: 'SlackMisconfigured',
      description: 'Slack refused the incoming webhook; digests are queued until the webhook secret is fixed',
    });

    acknowledgeFunctionDefaults(Object.values(functions));

    new CfnOutput(this, 'IngestUrl', { value: `${this.ingest.api.apiEndpoint}/events` });
    new CfnOutput(this, 'IngestTokenSecretArn', { value: this.ingest.tokenSecret.secretArn });
    new CfnOutput(this, 'EventBusName', { value: this.ingest.bus.eventBusName });
    new CfnOutput(this, 'ReportsBucketName', { value: this.reports.bucket.bucketName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }
}
