import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths';
import { eventKey } from '../../src/store/items';
import { encodeEnvelope } from '../../src/sources/envelope';
import {
  authorizerEvent,
  cloudFormationEvent,
  httpSqsRecord,
  sqsRecord,
  streamInsert,
} from '../functions/helpers/aws-events';
import { captureOutput } from '../functions/helpers/capture-output';
import { fixtureText, fleetEvents } from '../functions/helpers/fleet-fixture';
import { lambdaContext } from '../functions/helpers/lambda-context';
import { startLocalTable, stopLocalTable, useLocalTableEnv, type LocalTable } from '../functions/helpers/local-table';
import { startSlackServer } from '../functions/helpers/slack-server';
import { startAwsJsonServer } from './aws-json-server';
import { startS3Server } from './s3-server';

const run = promisify(execFile);

interface Asset {
  source: { path: string; packaging: string };
}
type TemplateJson = {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }>;
};

let outDir: string;
let template: TemplateJson;
let synthMs: number;
let stderr: string;

/** The directory each Lambda's code asset was bundled into, keyed by the function's construct path. */
function functionAssets(): Map<string, string> {
  const out = new Map<string, string>();
  for (const res of Object.values(template.Resources)) {
    if (res.Type !== 'AWS::Lambda::Function') continue;
    const assetPath = res.Metadata?.['aws:asset:path'];
    if (assetPath !== undefined) out.set(res.Metadata!['aws:cdk:path']!, join(outDir, assetPath));
  }
  return out;
}

// One real `npx cdk synth` (the command the README documents), shared by every assertion below.
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'hyperaudit-synth-'));
  const started = Date.now();
  const result = await run('npx', ['cdk', 'synth', '--no-notices', '--quiet', '--output', outDir], {
    cwd: REPO_ROOT,
    timeout: 420_000,
    maxBuffer: 16 * 1024 * 1024,
    // Offline on purpose: no credentials, no account lookups, no Docker.
    env: {
      ...process.env,
      CDK_DISABLE_VERSION_CHECK: 'true',
      AWS_EC2_METADATA_DISABLED: 'true',
      DOCKER_HOST: 'unix:///nonexistent.sock',
    },
  });
  synthMs = Date.now() - started;
  stderr = result.stderr;
  template = JSON.parse(readFileSync(join(outDir, 'Hyperaudit.template.json'), 'utf8')) as TemplateJson;
  console.info(`npx cdk synth with local esbuild bundling took ${(synthMs / 1000).toFixed(1)} s`);
}, 480_000);

afterAll(() => {
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
});

describe('npx cdk synth', () => {
  it('synthesises offline, bundling with the local esbuild and never Docker', () => {
    expect(template.Resources).toBeDefined();
    expect(stderr).not.toMatch(/docker/i);
    const assets = JSON.parse(readFileSync(join(outDir, 'Hyperaudit.assets.json'), 'utf8')) as {
      files: Record<string, Asset>;
    };
    expect(Object.keys(assets.files).length).toBeGreaterThan(0);
  });

  it('bundles every function as one ESM file with a source map at the code root', () => {
    const assets = functionAssets();
    expect(assets.size).toBe(10);
    for (const [path, dir] of assets) {
      expect(readdirSync(dir).sort(), path).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
      // The core's import.meta.url-relative default (../../rules) points outside the asset: nothing may rely on it.
      expect(existsSync(join(dir, '..', '..', 'rules')), path).toBe(false);
    }
  });

  it('ships rule packs, traces and report assets only with the functions that read them', () => {
    for (const [path, dir] of functionAssets()) {
      // The start step (Audit) only splits the fleet: the rules go to the shards that evaluate them.
      const audits = /\/(Evaluate|AuditShard|Plan|Report)\//.test(path);
      expect(existsSync(join(dir, 'rules', 'rule.schema.json')), path).toBe(audits);
      expect(existsSync(join(dir, 'rules', 'catalogue')), path).toBe(audits);
      expect(existsSync(join(dir, 'traces')), path).toBe(/\/(SimulateShard|Plan)\//.test(path));
      const report = path.includes('/Report/');
      expect(existsSync(join(dir, 'assets', 'report.css')), path).toBe(report);
      expect(existsSync(join(dir, 'node_modules', 'chart.js', 'dist', 'chart.umd.js')), path).toBe(report);
    }
  });
});

/** Runs the bundled handlers the way Lambda does: code root in LAMBDA_TASK_ROOT, the stack's environment. */
describe('bundled handlers against the local table and a local S3', () => {
  const BUCKET = 'hyperaudit-reports';
  let table: LocalTable;
  let s3: Awaited<ReturnType<typeof startS3Server>>;
  let slack: Awaited<ReturnType<typeof startSlackServer>>;
  let aws: Awaited<ReturnType<typeof startAwsJsonServer>>;
  const TOKEN = 'bundle-test-token-5f2c9a';
  /** Everything the bundled handlers wrote to stdout/stderr: what CloudWatch Logs would hold. */
  const logs: string[] = [];
  const MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:HyperauditWorkflow';
  const saved = { ...process.env };
  const context = (name: string) => lambdaContext(`hyperaudit-${name}`);

  async function loadBundle<E, R>(construct: string, env: Record<string, string>) {
    const dir = [...functionAssets()].find(([p]) => p.endsWith(`/${construct}/Resource`))![1];
    Object.assign(process.env, env, { LAMBDA_TASK_ROOT: dir });
    const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as {
      handler: (event: E, context: unknown) => Promise<R>;
    };
    return async (event: E, name: string) => {
      const { result, error, output } = await captureOutput(() => mod.handler(event, context(name)));
      logs.push(output);
      // The SDK's errors do not say which handler sent the request: the handler's name does.
      if (error instanceof Error) error.message = `${name}: ${error.message}`;
      if (error !== undefined) throw error;
      return result!;
    };
  }

  beforeAll(async () => {
    [table, s3, slack] = await Promise.all([startLocalTable(), startS3Server(), startSlackServer()]);
    aws = await startAwsJsonServer({
      'secretsmanager.GetSecretValue': (input) => ({
        ARN: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${String(input.SecretId)}-AbCdEf`,
        Name: input.SecretId,
        SecretString: input.SecretId === 'hyperaudit/slack-webhook' ? slack.url : TOKEN,
        VersionId: 'v1',
      }),
      'AWSStepFunctions.StartExecution': (input) => ({
        executionArn: `${MACHINE}:${String(input.name)}`,
        startDate: 1764121200,
      }),
    });
    await table.store.putEvents(fleetEvents());
    useLocalTableEnv(table);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
      AWS_ENDPOINT_URL_SFN: aws.endpoint,
      // The local S3 speaks plain PUT bodies, not aws-chunked uploads with trailing checksums.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      POWERTOOLS_METRICS_NAMESPACE: 'HyperauditTest',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await Promise.all([stopLocalTable(table), s3?.stop(), slack?.stop(), aws?.stop()]);
  });

  it('ingest stores an SQS batch of HTTP and EventBridge messages through Powertools batch processing', async () => {
    const ingest = await loadBundle<unknown, { batchItemFailures: unknown[] }>('Ingest', {});
    const veba = fixtureText('veba-vm-powered-off.json');
    const result = await ingest(
      {
        Records: [
          httpSqsRecord(veba, encodeEnvelope({ contentType: 'application/cloudevents+json', ce: {} }), 'bundle-veba'),
          sqsRecord(fixtureText('eventbridge-ec2-event.json'), {}, 'bundle-eb'),
        ],
      },
      'ingest',
    );
    expect(result).toEqual({ batchItemFailures: [] });
    let stored = 0;
    for await (const e of table.store.readHistory()) if (e.source === 'vcenter') stored++;
    expect(stored).toBeGreaterThan(0);
  });

  it('authorizer reads the token from Secrets Manager and admits only the right bearer', async () => {
    const authorize = await loadBundle<unknown, { isAuthorized: boolean }>('Authorizer', {
      INGEST_TOKEN_SECRET_ID: 'hyperaudit/ingest-token',
      MAX_BODY_BYTES: '262144',
    });
    const headers = { 'content-type': 'application/x-ndjson', 'content-length': '100' };
    expect(
      (await authorize(authorizerEvent({ ...headers, authorization: `Bearer ${TOKEN}` }), 'authorizer')).isAuthorized,
    ).toBe(true);
    expect(
      (await authorize(authorizerEvent({ ...headers, authorization: 'Bearer nope' }), 'authorizer')).isAuthorized,
    ).toBe(false);
    expect(aws.calls.filter((c) => c.target === 'secretsmanager.GetSecretValue')).toHaveLength(1);
  });

  it('deploy-audit starts the state machine for a CloudFormation deployment', async () => {
    const deployAudit = await loadBundle<unknown, { started: boolean }>('DeployAudit', { STATE_MACHINE_ARN: MACHINE });
    expect((await deployAudit(cloudFormationEvent('bundle-cfn-1'), 'deploy-audit')).started).toBe(true);
    const start = aws.calls.find((c) => c.target === 'AWSStepFunctions.StartExecution')!;
    expect(start.input).toMatchObject({ stateMachineArn: MACHINE, name: 'deploy-bundle-cfn-1' });
  });

  it('evaluate audits a stream batch with the rule packs shipped in its bundle', async () => {
    const evaluate = await loadBundle<unknown, { subjects: number; mode?: string }>('Evaluate', { RULES_DIR: 'rules' });
    const events = fleetEvents();
    const result = await evaluate({ Records: events.map((e, i) => streamInsert(eventKey(e), i)) }, 'evaluate');
    expect(result.subjects).toBe(new Set(events.map((e) => eventKey(e).pk)).size);
    expect((await table.store.listFindings()).length).toBeGreaterThan(0);
  });

  it('audit, simulate-shard, audit-shard, plan and report carry a scheduled run through to an HTML report in the bucket', async () => {
    const env = { REPORTS_BUCKET: BUCKET, RULES_DIR: 'rules', FAIL_THRESHOLD: 'high' };
    const audit = await loadBundle<
      unknown,
      {
        runId: string;
        clustersKey: string;
        reads: string;
        shards: number;
        auditedAt: string;
        window: unknown;
        simulate?: boolean;
      }
    >('Audit', env);
    const input = { runId: 'bundle-run-1', trigger: 'schedule', scope: { kind: 'fleet' } };
    const planned = await audit(input, 'audit');
    // The table has the cluster index: the start step lists the shards and each prepares itself on the same function.
    expect(planned.reads).toBe('shards');
    expect(planned.shards).toBeGreaterThanOrEqual(2);

    const shard = await loadBundle<unknown, { resultKey: string }>('SimulateShard', {
      REPORTS_BUCKET: BUCKET,
      TRACES_DIR: 'traces',
    });
    const items = JSON.parse(s3.objects.get(`${BUCKET}/${planned.clustersKey}`)!.body.toString()) as {
      clusterId: string;
      simulate: boolean;
    }[];
    // As the Map's PrepareCluster task does, on the audit function: it says whether the shard has hosts.
    for (const item of items) {
      const prepared = await audit(
        { runId: planned.runId, clusterId: item.clusterId, window: planned.window, auditedAt: planned.auditedAt },
        'prepare-shard',
      );
      item.simulate = prepared.simulate === true;
    }
    expect(items.filter((i) => i.simulate)).toHaveLength(2);
    // As the Map's ShardHasHosts Choice does: the VEBA VM ingested above sits on a host nobody reported, so its
    // `(no cluster)` shard is audited but has nothing to simulate.
    for (const item of items)
      if (item.simulate) await shard({ runId: planned.runId, clusterId: item.clusterId }, 'simulate-shard');
    const auditShard = await loadBundle<unknown, { hits: number }>('AuditShard', {
      REPORTS_BUCKET: BUCKET,
      RULES_DIR: 'rules',
    });
    let hits = 0;
    for (const item of items)
      hits += (await auditShard({ runId: planned.runId, clusterId: item.clusterId, profile: 'scg' }, 'audit-shard'))
        .hits;
    expect(hits).toBeGreaterThan(0);

    const plan = await loadBundle<unknown, { goal: string }>('Plan', { RULES_DIR: 'rules', TRACES_DIR: 'traces' });
    expect((await plan({ ...input, plan: { goal: 'fix', maxMoves: 5 } }, 'plan')).goal).toBe('fix');

    const report = await loadBundle<unknown, { reportPrefix: string; keys: string[]; clustersSimulated: number }>(
      'Report',
      env,
    );
    const out = await report({ ...input, audit: planned }, 'report');
    expect(out.clustersSimulated).toBe(2);
    const html = s3.objects.get(`${BUCKET}/${out.reportPrefix}report.html`)!;
    expect(html.body.toString()).toContain('<h2>Planned fixes</h2>');
    expect(html.contentType).toBe('text/html; charset=utf-8');
    // Chart.js and the page's own script are inlined from the files shipped beside the bundle.
    expect(html.body.toString()).toMatch(/Chart\.js v\d/);
    expect(s3.objects.has(`${BUCKET}/reports/latest/findings.csv`)).toBe(true);
  });

  it('notify reads the webhook from Secrets Manager and delivers the digest through @slack/webhook', async () => {
    const notify = await loadBundle<unknown, { planned: number; delivered: number }>('Notify', {
      FAIL_THRESHOLD: 'high',
      SLACK_WEBHOOK_SECRET_ID: 'hyperaudit/slack-webhook',
    });
    const out = await notify({ Records: [] }, 'notify');
    expect(out.planned).toBeGreaterThan(0);
    expect(out.delivered).toBe(out.planned);
    expect(slack.received).toHaveLength(out.planned);
  });

  it('left neither the bearer token nor the webhook URL in any bundled handler log', () => {
    const all = logs.join('');
    expect(all).toContain('"level":"INFO"');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(slack.url);
    expect(all).not.toContain(new URL(slack.url).pathname);
  });
});
