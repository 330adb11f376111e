import { S3Client } from '@aws-sdk/client-s3';
import { loadRules } from '../../src/engine/load-rules';
import { bundledPath, requireEnv, ruleParamsEnv } from '../shared/env';
import { instrumented, logger } from '../shared/powertools';
import { openStore } from '../shared/store';
import { parseStepInput, RunInput } from '../../src/app/workflow-input';
import { auditStep, type AuditStepOutput } from '../../src/app/start-run';

const perimetersFile = process.env.PERIMETERS_FILE;
const deps = {
  store: openStore(requireEnv('TABLE_NAME')),
  s3: new S3Client({}),
  bucket: requireEnv('REPORTS_BUCKET'),
  // Loaded once per container: rule packs ship inside the bundle and never change while it runs.
  rules: loadRules(bundledPath(requireEnv('RULES_DIR')), ruleParamsEnv()),
  log: logger,
  ...(perimetersFile !== undefined && perimetersFile !== '' && { perimetersFile: bundledPath(perimetersFile) }),
};

export const handler = instrumented(async (event: unknown): Promise<AuditStepOutput> => {
  const input = parseStepInput(RunInput, event, 'audit');
  logger.appendKeys({ runId: input.runId, trigger: input.trigger });
  const out = await auditStep(input, deps);
  logger.info('full audit done, simulation planned', {
    clusters: out.clusters,
    hosts: out.hosts,
    vms: out.vms,
    findings: out.findings,
    compaction: out.compaction,
  });
  return out;
});
