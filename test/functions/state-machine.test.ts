import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import aslValidator from 'asl-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/load-rules';
import type { LoadedRule } from '../../src/engine/types';
import { RUN_META_PREFIX, runFailureMessageId, type RunRecord } from '../../src/app/run-failure';
import { startLocalS3, type LocalS3 } from '../../src/server/local-s3';
import { runLocalWorkflow, WorkflowFailedError, type LocalWorkflowDeps } from '../../src/server/local-workflow';
import { MemoryStore } from '../../src/store/memory-store';
import { readState, STATE } from '../../src/store/state-keys';
import { startSlackLikeServer, type SlackAnswer, type SlackLikeServer } from '../support/slack-like-server';
import { fleetEvents } from './helpers/fleet-fixture';

const DEFINITION = new URL('../../src/server/workflow/audit-state-machine.asl.json', import.meta.url);
const BUCKET = 'hyperaudit-reports';
const tracesDir = fileURLToPath(new URL('../fixtures/functions/traces/', import.meta.url));
let rules: LoadedRule[];
let s3: LocalS3;
let slackAnswer: SlackAnswer = 'ok';
let slack: SlackLikeServer;
const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-sfn-'));

beforeAll(async () => {
  rules = loadRules();
  s3 = await startLocalS3(join(dir, 's3'));
  slack = await startSlackLikeServer(() => slackAnswer);
});
afterAll(async () => {
  await s3.close();
  await slack.close();
  rmSync(dir, { recursive: true, force: true });
});

async function fleetStore() {
  const store = new MemoryStore();
  await store.putEvents(fleetEvents());
  return store;
}

function deps(store: MemoryStore, extra: Partial<LocalWorkflowDeps> = {}): LocalWorkflowDeps {
  return {
    store,
    s3,
    bucket: BUCKET,
    tracesDir,
    rules,
    failThreshold: 'high',
    minSeverity: 'info',
    webhookUrl: slack.url,
    notifyDelivery: { retryBudgetMs: 0 },
    ...extra,
  };
}

const failureMessages = () => slack.arrivals.filter((a) => String(a.body.text).includes('failed in'));

describe('the synthesized compliance state machine, executed locally', () => {
  it('is a valid Amazon States Language definition', () => {
    const result = aslValidator(JSON.parse(readFileSync(DEFINITION, 'utf8')));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('runs the split → per cluster simulate and audit from the S3 item list → report → Slack digest', async () => {
    const store = await fleetStore();
    const before = slack.accepted().length;
    const run = await runLocalWorkflow('schedule', deps(store), new Date('2026-11-26T06:00:00Z'));
    expect(run.audit.clusters).toBeGreaterThan(1);
    expect(run.shards.map((s) => s.clusterId).sort()).toHaveLength(run.audit.clusters!);
    expect(run.report.clustersSimulated).toBe(run.audit.clusters);
    expect(run.auditShards).toHaveLength(run.audit.shards);
    expect(Object.values(run.report.findings).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(run.report.keys.some((k) => k.endsWith('report.html'))).toBe(true);
    expect(run.notify?.delivered).toBeGreaterThan(0);
    expect(slack.accepted().length).toBeGreaterThan(before);
    expect(await store.listMeta(RUN_META_PREFIX)).toEqual([]);
  }, 120_000);

  it('ends a run whose shard fails in RunFailed, recorded with its cause and told to Slack once', async () => {
    const store = await fleetStore();
    const before = failureMessages().length;
    const failing = deps(store, {
      handlerOverrides: {
        'hyperaudit-simulate-shard': async () => {
          throw new Error('shard out of memory');
        },
      },
    });
    const run = runLocalWorkflow('schedule', failing, new Date('2026-11-26T07:00:00Z'));
    await expect(run).rejects.toBeInstanceOf(WorkflowFailedError);
    const err = (await run.catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err.failure?.state).toBe('SimulateClusters');
    const [record] = await store.listMeta<RunRecord>(RUN_META_PREFIX);
    expect(record?.value).toMatchObject({ status: 'failed', state: 'SimulateClusters', runId: err.runId });
    expect(record?.value.cause).toContain('shard out of memory');
    expect(failureMessages().length - before).toBe(1);
    // The audit is merged only by the finish step: a run that fails in its shards stores no partial audit.
    expect(await store.listFindings()).toEqual([]);
    expect(await readState(store, STATE.auditLatest)).toBeUndefined();
    expect(await readState(store, STATE.complianceLatest)).toBeUndefined();
  }, 120_000);

  it('ends a run whose report step fails in RunFailed, naming WriteReport', async () => {
    const store = await fleetStore();
    const failing = deps(store, {
      handlerOverrides: {
        'hyperaudit-report': async () => {
          throw new Error('S3 PutObject AccessDenied');
        },
      },
    });
    const err = (await runLocalWorkflow('schedule', failing, new Date('2026-11-26T08:00:00Z')).catch(
      (e: unknown) => e,
    )) as WorkflowFailedError;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(err.failure).toMatchObject({ state: 'WriteReport', error: 'Error' });
    expect(err.failure?.cause).toContain('AccessDenied');
    expect(await store.getMeta(`${RUN_META_PREFIX}${err.runId}`)).toMatchObject({
      status: 'failed',
      state: 'WriteReport',
    });
    expect((await store.listOutbox()).map((m) => m.id)).not.toContain(runFailureMessageId(err.runId));
  }, 120_000);

  it('finishes the run when Slack is down during the digest, keeping the messages queued', async () => {
    const store = await fleetStore();
    slackAnswer = 'server-error';
    try {
      const run = await runLocalWorkflow('schedule', deps(store), new Date('2026-11-26T09:00:00Z'));
      expect(run.report.keys.length).toBeGreaterThan(0);
      expect(run.notify?.delivered).toBe(0);
      expect(run.notify?.remaining).toBeGreaterThan(0);
      expect((await store.listOutbox()).length).toBe(run.notify?.remaining);
      expect(await store.listMeta(RUN_META_PREFIX)).toEqual([]);
    } finally {
      slackAnswer = 'ok';
    }
  }, 120_000);
});
