import { SFNClient } from '@aws-sdk/client-sfn';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { startDeployAudit, type DeployAuditResult } from '../../src/app/deploy-audit';
import { parseStepInput } from '../../src/app/workflow-input';
import { EventBridgeEvent } from '../shared/aws-events';
import { requireEnv } from '../shared/env';
import { instrumented, logger, metrics } from '../shared/powertools';
import { sfnRunStarter } from './sfn-run-starter';

const ports = { runs: sfnRunStarter(new SFNClient({}), requireEnv('STATE_MACHINE_ARN')) };

export const handler = instrumented(async (event: unknown): Promise<DeployAuditResult> => {
  const result = await startDeployAudit(ports, parseStepInput(EventBridgeEvent, event, 'deploy-audit'));
  logger.info(result.started ? 'audit run started for deployment' : 'deployment already audited', {
    executionName: result.executionName,
    scope: result.scope,
  });
  if (result.started) metrics.addMetric('DeployAuditStarted', MetricUnit.Count, 1);
  return result;
});
