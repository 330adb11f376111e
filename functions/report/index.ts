import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { loadRules } from '../../src/engine/load-rules';
import { bundledPath, requireEnv, ruleParamsEnv, severityEnv } from '../shared/env';
import { instrumented, logger, metrics } from '../shared/powertools';
import { openStore } from '../shared/store';
import { systemClock } from '../../src/model/ports/clock';
import { parseStepInput, ReportStepInput } from '../../src/app/workflow-input';
import { reportStep, type ReportStepOutput } from '../../src/app/finish-run';
import { s3ArtifactStore } from '../../src/store/artifacts/s3-artifact-store';

const s3 = new S3Client({});
const bucket = requireEnv('REPORTS_BUCKET');
const deps = {
  store: openStore(requireEnv('TABLE_NAME')),
  clock: systemClock,
  s3,
  bucket,
  artifacts: s3ArtifactStore(s3, bucket),
  rules: loadRules(bundledPath(requireEnv('RULES_DIR')), ruleParamsEnv()),
  failThreshold: severityEnv('FAIL_THRESHOLD'),
};

export const handler = instrumented(async (event: unknown): Promise<ReportStepOutput> => {
  const input = parseStepInput(ReportStepInput, event, 'report');
  logger.appendKeys({ runId: input.runId, trigger: input.trigger });
  const out = await reportStep(input, deps);
  logger.info('report written', { reportPrefix: out.reportPrefix, files: out.keys.length, failing: out.failing });
  metrics.addMetric('FindingsAtOrAboveThreshold', MetricUnit.Count, out.failing);
  return out;
});
