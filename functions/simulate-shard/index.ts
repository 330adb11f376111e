import { S3Client } from '@aws-sdk/client-s3';
import { requireEnv } from '../shared/env';
import { instrumented, logger } from '../shared/powertools';
import { parseStepInput } from '../shared/workflow-input';
import { ShardInput, simulateShard, type ShardOutput } from './simulate-shard';

const deps = { s3: new S3Client({}), bucket: requireEnv('REPORTS_BUCKET') };

export const handler = instrumented(async (event: unknown): Promise<ShardOutput> => {
  const input = parseStepInput(ShardInput, event, 'simulate-shard');
  logger.appendKeys({ runId: input.runId, clusterId: input.clusterId });
  const out = await simulateShard(input, deps);
  logger.info('cluster simulated', { hosts: out.hosts, vms: out.vms });
  return out;
});
