import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sfnRunStarter } from '../../functions/deploy-audit/sfn-run-starter';
import { startDeployAudit } from '../../src/app/deploy-audit';
import { deploymentScope } from '../../src/model/deployment-scope';
import { cloudFormationEvent, codeDeployEvent, codePipelineEvent } from './helpers/aws-events';
import { captureOutput } from './helpers/capture-output';
import { lambdaContext } from './helpers/lambda-context';

const MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:HyperauditWorkflow';
const sfnMock = mockClient(SFNClient);
afterEach(() => sfnMock.reset());
afterAll(() => sfnMock.restore());
const ports = () => ({ runs: sfnRunStarter(new SFNClient({ region: 'eu-west-1' }), MACHINE) });

describe('startDeployAudit on the Step Functions run starter', () => {
  it('starts the state machine with the deploy trigger and scope, named after the event', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:deploy-e-5`, startDate: new Date() });
    const result = await startDeployAudit(ports(), codeDeployEvent('e-5'));
    expect(result).toMatchObject({ started: true, runId: `${MACHINE}:deploy-e-5` });
    const call = sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(call.stateMachineArn).toBe(MACHINE);
    expect(call.name).toBe('deploy-e-5');
    expect(JSON.parse(call.input!)).toEqual({ trigger: 'deploy', scope: deploymentScope(codeDeployEvent('e-5')) });
  });

  it('treats a re-delivered event whose run already exists as done, not as an error', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const result = await startDeployAudit(ports(), cloudFormationEvent('e-6'));
    expect(result).toMatchObject({ started: false, executionName: 'deploy-e-6' });
  });

  it('surfaces a Step Functions failure so EventBridge retries the event', async () => {
    sfnMock
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(startDeployAudit(ports(), codePipelineEvent('e-7'))).rejects.toThrow(/Rate exceeded/);
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
