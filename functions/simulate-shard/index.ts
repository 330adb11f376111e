import { S3Client } from '@aws-sdk/client-s3';
import { bundledPath, requireEnv } from '../shared/env';
import { instrumented, logger } from '../shared/powertools';
import { parseStepInput } from '../../src/app/workflow-input';
import { ShardInput, simulateShard, type ShardOutput } from '../../src/app/simulate-shard';

const tracesDir = process.env.TRACES_DIR;
const deps = {
  s3: new S3Client({}),
  bucket: requireEnv('REPORTS_BUCKET'),
  ...(tracesDir !== undefined && tracesDir !== '' && { tracesDir: bundledPath(tracesDir) }),
};

export const handler = instrumented(async (event: unknown): Promise<ShardOutput> => {
  const input = parseStepInput(ShardInput, event, 'simulate-shard');
  logger.appendKeys({ runId: input.runId, clusterId: input.clusterId });
  const out = await simulateShard(input, deps);
  logger.info('cluster simulated', { hosts: out.hosts, vms: out.vms });
  return out;
});
