import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HyperauditFunction } from './hyperaudit-function';
import { grantTableAccess } from './table-access';
import { acknowledgeWildcards, nagArnOf } from '../nag/acknowledgements';

export interface VsphereCollectorProps {
  table: dynamodb.ITable;
  url: string;
  secretName: string;
  schedule: string;
  vpcId: string;
  subnetIds: string[];
  securityGroupId: string;
  logRetention: logs.RetentionDays;
  metricsNamespace: string;
}

/**
 * The vSphere collector (functions/collect-vsphere) on its own EventBridge Scheduler schedule, inside the VPC
 * subnets and security group that reach the vCenter, reading its credentials from an existing Secrets Manager
 * secret. One collection at a time: the checkpoint of a vCenter must not be raced by a second run.
 */
export class VsphereCollector extends Construct {
  readonly collectFunction: HyperauditFunction;
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: VsphereCollectorProps) {
    super(scope, id);
    const secret = secretsmanager.Secret.fromSecretNameV2(this, 'Credentials', props.secretName);
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: props.vpcId,
      // Placement uses the subnets given by id; the zones only have to be as many as the subnets.
      availabilityZones: props.subnetIds.map((_, i) => `zone-${i}`),
      privateSubnetIds: props.subnetIds,
    });
    this.collectFunction = new HyperauditFunction(this, 'Collect', {
      handlerDir: 'collect-vsphere',
      description: 'Collects hosts, VMs, configuration and events from a vCenter (read-only)',
      environment: { TABLE_NAME: props.table.tableName, VSPHERE_URL: props.url, VSPHERE_SECRET_ID: props.secretName },
      timeout: Duration.minutes(15),
      memorySize: 1024,
      reservedConcurrentExecutions: 1,
      network: {
        vpc,
        vpcSubnets: { subnets: props.subnetIds.map((s, i) => ec2.Subnet.fromSubnetId(this, `Subnet${i}`, s)) },
        securityGroups: [
          ec2.SecurityGroup.fromSecurityGroupId(this, 'SecurityGroup', props.securityGroupId, { mutable: false }),
        ],
      },
      logRetention: props.logRetention,
      metricsNamespace: props.metricsNamespace,
    });
    grantTableAccess(props.table, this.collectFunction, 'collect');
    secret.grantRead(this.collectFunction);
    const schedulerRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Scheduled hyperaudit vSphere collection',
      schedule: scheduler.ScheduleExpression.expression(props.schedule),
      target: new schedulerTargets.LambdaInvoke(this.collectFunction, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        role: schedulerRole,
      }),
    });
    acknowledgeWildcards(
      schedulerRole.node.findChild('DefaultPolicy'),
      [`Resource::${nagArnOf(this.collectFunction)}:*`],
      'lambda:InvokeFunction on the collector and its versions (grantInvoke adds :*), nothing else.',
    );
    const role = this.collectFunction.role as iam.Role;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason:
        'AWSLambdaVPCAccessExecutionRole only lets the function manage the network interfaces it needs in the given VPC subnets.',
    });
  }
}
