import { loadRules } from '../../src/engine/load-rules';
import { bundledPath, requireEnv, ruleParamsEnv } from '../shared/env';
import { instrumented, logger } from '../shared/powertools';
import { openStore } from '../shared/store';
import { systemClock } from '../../src/model/ports/clock';
import { parseStepInput, RunInput } from '../../src/app/workflow-input';
import { planStep, type PlanStepOutput } from '../../src/app/plan';

const tracesDir = process.env.TRACES_DIR;
const deps = {
  store: openStore(requireEnv('TABLE_NAME')),
  clock: systemClock,
  // Loaded once per container: rule packs ship inside the bundle and never change while it runs.
  rules: loadRules(bundledPath(requireEnv('RULES_DIR')), ruleParamsEnv()),
  ...(tracesDir !== undefined && tracesDir !== '' && { tracesDir: bundledPath(tracesDir) }),
};

export const handler = instrumented(async (event: unknown): Promise<PlanStepOutput> => {
  const input = parseStepInput(RunInput, event, 'plan');
  logger.appendKeys({ runId: input.runId, trigger: input.trigger });
  const out = await planStep(input, deps);
  logger.info('plan stored', { ...out });
  return out;
});
