import { SFNClient } from '@aws-sdk/client-sfn';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requireEnv } from '../shared/env';
import { instrumented, logger, metrics } from '../shared/powertools';
import { EventBridgeEvent } from '../shared/aws-events';
import { parseStepInput } from '../../src/app/workflow-input';
import { startAuditForDeployment, type StartAuditResult } from './start-audit';

const deps = { sfn: new SFNClient({}), stateMachineArn: requireEnv('STATE_MACHINE_ARN') };

export const handler = instrumented(async (event: unknown): Promise<StartAuditResult> => {
  const result = await startAuditForDeployment(parseStepInput(EventBridgeEvent, event, 'deploy-audit'), deps);
  logger.info(result.started ? 'audit run started for deployment' : 'deployment already audited', {
    executionName: result.executionName,
    scope: result.scope,
  });
  if (result.started) metrics.addMetric('DeployAuditStarted', MetricUnit.Count, 1);
  return result;
});
