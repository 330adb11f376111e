import type { DynamoDBStreamEvent } from 'aws-lambda';
import { loadRules } from '../../src/engine/load-rules';
import { bundledPath, requireEnv, ruleParamsEnv } from '../shared/env';
import { instrumented, logger } from '../shared/powertools';
import { openStore } from '../shared/store';
import { evaluateChanges, type EvaluateResult } from '../../src/app/evaluate-changes';

const deps = {
  store: openStore(requireEnv('TABLE_NAME')),
  rules: loadRules(bundledPath(requireEnv('RULES_DIR')), ruleParamsEnv()),
};

export const handler = instrumented(async (event: DynamoDBStreamEvent): Promise<EvaluateResult> => {
  const result = await evaluateChanges(event.Records, deps);
  logger.info('changes evaluated', { records: event.Records.length, ...result });
  return result;
});
