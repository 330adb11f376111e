import { S3Client } from '@aws-sdk/client-s3';
import { bundledPath, requireEnv } from '../shared/env';
import { instrumented, logger, powertoolsLogger } from '../shared/powertools';
import { systemClock } from '../../src/model/ports/clock';
import { openStore } from '../shared/store';
import { parseStepInput, RunInput } from '../../src/app/workflow-input';
import { auditStep, type AuditStepOutput } from '../../src/app/start-run';

const perimetersFile = process.env.PERIMETERS_FILE;
const deps = {
  store: openStore(requireEnv('TABLE_NAME')),
  s3: new S3Client({}),
  bucket: requireEnv('REPORTS_BUCKET'),
  clock: systemClock,
  logger: powertoolsLogger(logger),
  ...(perimetersFile !== undefined && perimetersFile !== '' && { perimetersFile: bundledPath(perimetersFile) }),
};

export const handler = instrumented(async (event: unknown): Promise<AuditStepOutput> => {
  const input = parseStepInput(RunInput, event, 'audit');
  logger.appendKeys({ runId: input.runId, trigger: input.trigger });
  const out = await auditStep(input, deps);
  logger.info('fleet split into shards', {
    clusters: out.clusters,
    shards: out.shards,
    hosts: out.hosts,
    vms: out.vms,
    compaction: out.compaction,
  });
  return out;
});
