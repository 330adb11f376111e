import { S3Client } from '@aws-sdk/client-s3';
import { CompiledRules } from '../../src/engine/compile';
import { loadRules } from '../../src/engine/load-rules';
import { bundledPath, requireEnv, ruleParamsEnv } from '../shared/env';
import { instrumented, logger } from '../shared/powertools';
import { openStore } from '../shared/store';
import { parseStepInput } from '../../src/app/workflow-input';
import { auditShard, AuditShardInput, type AuditShardOutput } from '../../src/app/audit-shard';

const deps = {
  s3: new S3Client({}),
  bucket: requireEnv('REPORTS_BUCKET'),
  // Compiled once per container: rule packs ship inside the bundle and never change while it runs.
  rules: new CompiledRules(loadRules(bundledPath(requireEnv('RULES_DIR')), ruleParamsEnv())),
  // Read only: the findings of the shard's own resources, whose lifecycle it stages for the report step.
  store: openStore(requireEnv('TABLE_NAME')),
};

export const handler = instrumented(async (event: unknown): Promise<AuditShardOutput> => {
  const input = parseStepInput(AuditShardInput, event, 'audit-shard');
  logger.appendKeys({ runId: input.runId, clusterId: input.clusterId });
  const out = await auditShard(input, deps);
  logger.info('shard audited', { hosts: out.hosts, vms: out.vms, hits: out.hits, staged: out.staged });
  return out;
});
