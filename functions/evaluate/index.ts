import { loadRules } from '../../src/engine/load-rules';
import { bundledPath, requireEnv, ruleParamsEnv } from '../shared/env';
import { instrumented, logger } from '../shared/powertools';
import { openStore } from '../shared/store';
import { systemClock } from '../../src/model/ports/clock';
import { DynamoDBStreamEvent } from '../shared/aws-events';
import { parseStepInput } from '../../src/app/workflow-input';
import { evaluateChanges, type EvaluateResult } from '../../src/app/evaluate-changes';

const deps = {
  store: openStore(requireEnv('TABLE_NAME')),
  clock: systemClock,
  rules: loadRules(bundledPath(requireEnv('RULES_DIR')), ruleParamsEnv()),
};

export const handler = instrumented(async (event: unknown): Promise<EvaluateResult> => {
  const { Records } = parseStepInput(DynamoDBStreamEvent, event, 'evaluate');
  const result = await evaluateChanges(Records, deps);
  logger.info('changes evaluated', { records: Records.length, ...result });
  return result;
});
