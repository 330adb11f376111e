import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploymentScope, executionName } from '../../functions/deploy-audit/deployment-scope';
import { startAuditForDeployment } from '../../functions/deploy-audit/start-audit';
import { cloudFormationEvent, codeDeployEvent, codePipelineEvent } from './helpers/aws-events';
import { captureOutput } from './helpers/capture-output';
import { fixtureJson } from './helpers/fleet-fixture';
import { lambdaContext } from './helpers/lambda-context';

const MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:HyperauditWorkflow';
const sfnMock = mockClient(SFNClient);
afterEach(() => sfnMock.reset());
afterAll(() => sfnMock.restore());

describe('deploymentScope', () => {
  it('names the stack of a CloudFormation stack update', () => {
    expect(deploymentScope(cloudFormationEvent('e-1'))).toMatchObject({
      kind: 'cloudformation',
      stackName: 'payments-prod',
      status: 'UPDATE_COMPLETE',
    });
  });

  it('names the application and group of a CodeDeploy deployment, and the pipeline of a CodePipeline run', () => {
    expect(deploymentScope(codeDeployEvent('e-2'))).toEqual({
      kind: 'codedeploy',
      application: 'payments',
      deploymentGroup: 'payments-prod',
      deploymentId: 'd-ABCDEF123',
    });
    expect(deploymentScope(codePipelineEvent('e-3'))).toEqual({
      kind: 'codepipeline',
      pipeline: 'payments-pipeline',
      executionId: '01234567-0123-0123-0123-012345678901',
    });
  });

  it('refuses other events, naming the field', () => {
    expect(() => deploymentScope(cloudFormationEvent('e-4', 'ROLLBACK_COMPLETE'))).toThrow(
      /detail\.status-details\.status/,
    );
    expect(() => deploymentScope(fixtureJson('eventbridge-ec2-event.json'))).toThrow(/source/);
  });

  it('derives a valid, stable execution name from the event id', () => {
    expect(executionName('6a7e8feb-b491-4cf7-a9f1-bf3703467718')).toBe('deploy-6a7e8feb-b491-4cf7-a9f1-bf3703467718');
    expect(executionName('a:b/c d'.repeat(20))).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });
});

describe('startAuditForDeployment', () => {
  it('starts the state machine with the deploy trigger and scope, named after the event', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:deploy-e-5`, startDate: new Date() });
    const result = await startAuditForDeployment(codeDeployEvent('e-5'), {
      sfn: new SFNClient({ region: 'eu-west-1' }),
      stateMachineArn: MACHINE,
    });
    expect(result.started).toBe(true);
    const call = sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(call.stateMachineArn).toBe(MACHINE);
    expect(call.name).toBe('deploy-e-5');
    expect(JSON.parse(call.input!)).toEqual({ trigger: 'deploy', scope: deploymentScope(codeDeployEvent('e-5')) });
  });

  it('treats a re-delivered event whose run already exists as done, not as an error', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const result = await startAuditForDeployment(cloudFormationEvent('e-6'), {
      sfn: new SFNClient({ region: 'eu-west-1' }),
      stateMachineArn: MACHINE,
    });
    expect(result).toMatchObject({ started: false, executionName: 'deploy-e-6' });
  });

  it('surfaces a Step Functions failure so EventBridge retries the event', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(
      startAuditForDeployment(codePipelineEvent('e-7'), {
        sfn: new SFNClient({ region: 'eu-west-1' }),
        stateMachineArn: MACHINE,
      }),
    ).rejects.toThrow(/Rate exceeded/);
  });
});

describe('deploy-audit handler', () => {
  let handler: (event: unknown, context: unknown) => Promise<{ started: boolean }>;
  beforeAll(async () => {
    process.env.AWS_REGION = 'eu-west-1';
    process.env.STATE_MACHINE_ARN = MACHINE;
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'HyperauditTest';
    ({ handler } = (await import('../../functions/deploy-audit/index')) as unknown as { handler: typeof handler });
  });

  it('starts a run for an EventBridge CloudFormation event through the middy wrapper and logs the scope', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:deploy-e-8`, startDate: new Date() });
    const { result, output } = await captureOutput(() =>
      handler(cloudFormationEvent('e-8'), lambdaContext('hyperaudit-deploy-audit')),
    );
    expect(result?.started).toBe(true);
    expect(output).toContain('audit run started for deployment');
    expect(output).toContain('payments-prod');
    expect(output).toContain('DeployAuditStarted');
  });

  it('refuses an event that is not an EventBridge event, naming the missing field, and starts nothing', async () => {
    const { detail, source } = cloudFormationEvent('e-9');
    const { error } = await captureOutput(() =>
      handler({ source, detail, id: 'e-9' }, lambdaContext('hyperaudit-deploy-audit')),
    );
    expect(String(error)).toMatch(/deploy-audit input: version: /);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
