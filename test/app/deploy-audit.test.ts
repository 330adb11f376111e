import { describe, expect, it } from 'vitest';
import { deployRunName, startDeployAudit } from '../../src/app/deploy-audit';
import { memoryRunStarter } from '../../src/app/run-starter';
import { deploymentScope } from '../../src/model/deployment-scope';
import { cloudFormationEvent, codeDeployEvent, codePipelineEvent } from '../functions/helpers/aws-events';
import { fixtureJson } from '../functions/helpers/fleet-fixture';

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
});

describe('deployRunName', () => {
  it('derives a valid, stable run name from the event id', () => {
    expect(deployRunName('6a7e8feb-b491-4cf7-a9f1-bf3703467718')).toBe('deploy-6a7e8feb-b491-4cf7-a9f1-bf3703467718');
    expect(deployRunName('a:b/c d'.repeat(20))).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });
});

describe('startDeployAudit', () => {
  it('asks for one deploy-triggered run named after the event, carrying the CloudFormation stack as its scope', async () => {
    const runs = memoryRunStarter();
    const result = await startDeployAudit({ runs }, cloudFormationEvent('e-10'));
    expect(result).toMatchObject({ started: true, executionName: 'deploy-e-10', runId: 'memory:deploy-e-10' });
    expect([...runs.runs.values()]).toEqual([
      {
        name: 'deploy-e-10',
        input: {
          trigger: 'deploy',
          scope: {
            kind: 'cloudformation',
            stackName: 'payments-prod',
            stackId: expect.stringContaining(':stack/payments-prod/'),
            status: 'UPDATE_COMPLETE',
          },
        },
      },
    ]);
  });

  it('starts a CodePipeline run once when EventBridge delivers the same event twice', async () => {
    const runs = memoryRunStarter();
    const first = await startDeployAudit({ runs }, codePipelineEvent('e-11'));
    const again = await startDeployAudit({ runs }, codePipelineEvent('e-11'));
    expect(again).toEqual(first);
    expect(runs.runs.size).toBe(1);
    expect(runs.runs.get('deploy-e-11')?.input.scope).toEqual({
      kind: 'codepipeline',
      pipeline: 'payments-pipeline',
      executionId: '01234567-0123-0123-0123-012345678901',
    });
  });

  it('reports not started when a run of that name exists with another scope', async () => {
    const runs = memoryRunStarter();
    await runs.start({ name: 'deploy-e-12', input: { trigger: 'deploy', scope: { kind: 'fleet' } } });
    const result = await startDeployAudit({ runs }, codeDeployEvent('e-12'));
    expect(result).toEqual({
      started: false,
      executionName: 'deploy-e-12',
      scope: deploymentScope(codeDeployEvent('e-12')),
    });
    expect(runs.runs.get('deploy-e-12')?.input.scope).toEqual({ kind: 'fleet' });
  });

  it('starts nothing for an event that is not a successful deployment, naming the field', async () => {
    const runs = memoryRunStarter();
    await expect(startDeployAudit({ runs }, cloudFormationEvent('e-13', 'UPDATE_ROLLBACK_COMPLETE'))).rejects.toThrow(
      /^not a successful deployment event: detail\.status-details\.status/,
    );
    expect(runs.runs.size).toBe(0);
  });

  it('passes a run starter failure on, so the trigger retries the event', async () => {
    const runs = {
      start: async () => {
        throw new Error('state machine unavailable');
      },
    };
    await expect(startDeployAudit({ runs }, codeDeployEvent('e-14'))).rejects.toThrow('state machine unavailable');
  });
});
