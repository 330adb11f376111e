import { S3Client } from '@aws-sdk/client-s3';
import { bundledPath, requireEnv } from '../shared/env';
import { instrumented, logger, powertoolsLogger } from '../shared/powertools';
import { systemClock } from '../../src/model/ports/clock';
import { openStore } from '../shared/store';
import { parseStepInput, RunInput } from '../../src/app/workflow-input';
import { auditStep, type AuditStepOutput } from '../../src/app/start-run';
import { PrepareShardInput, prepareShard, type PrepareShardOutput } from '../../src/app/prepare-shard';

const perimetersFile = process.env.PERIMETERS_FILE;
const deps = {
  store: openStore(requireEnv('TABLE_NAME')),
  s3: new S3Client({}),
  bucket: requireEnv('REPORTS_BUCKET'),
  clock: systemClock,
  logger: powertoolsLogger(logger),
  shardsPrepareThemselves: true,
  ...(perimetersFile !== undefined && perimetersFile !== '' && { perimetersFile: bundledPath(perimetersFile) }),
};

/**
 * Two tasks of the run on one function (both read and write the table): the start step (FullAudit, a run input)
 * and each Map item's PrepareCluster (a run id with a shard).
 */
export const handler = instrumented(async (event: unknown): Promise<AuditStepOutput | PrepareShardOutput> => {
  if (typeof event === 'object' && event !== null && 'clusterId' in event) {
    const input = parseStepInput(PrepareShardInput, event, 'prepare-shard');
    logger.appendKeys({ runId: input.runId, clusterId: input.clusterId });
    return prepareShard(input, deps);
  }
  const input = parseStepInput(RunInput, event, 'audit');
  logger.appendKeys({ runId: input.runId, trigger: input.trigger });
  return auditStep(input, deps);
});
