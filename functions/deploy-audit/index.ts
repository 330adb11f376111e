import { SFNClient } from '@aws-sdk/client-sfn';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EventBridgeEvent } from 'aws-lambda';
import { requireEnv } from '../shared/env';
import { instrumented, logger, metrics } from '../shared/powertools';
import { startAuditForDeployment, type StartAuditResult } from './start-audit';

const deps = { sfn: new SFNClient({}), stateMachineArn: requireEnv('STATE_MACHINE_ARN') };

export const handler = instrumented(async (event: EventBridgeEvent<string, unknown>): Promise<StartAuditResult> => {
  const result = await startAuditForDeployment(event, deps);
  logger.info(result.started ? 'audit run started for deployment' : 'deployment already audited', {
    executionName: result.executionName,
    scope: result.scope,
  });
  if (result.started) metrics.addMetric('DeployAuditStarted', MetricUnit.Count, 1);
  return result;
});
