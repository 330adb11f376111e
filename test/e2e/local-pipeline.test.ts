import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeEnvelope } from '../../src/sources/envelope';
import { loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import { streamInsertRecords } from '../../src/server/aws-shapes';
import { createLocalPipeline } from '../../src/server/local-pipeline';
import { MemoryStore } from '../../src/store/memory-store';
import type { PutEventsResult } from '../../src/store/types';
import { startSlackLikeServer } from '../support/slack-like-server';

/** The store is down for the first `failures` writes, as when the table throttles past the SDK's retries. */
class FlakyStore extends MemoryStore {
  constructor(private failures: number) {
    super();
  }
  override async putEvents(events: readonly FleetEvent[]): Promise<PutEventsResult> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('ProvisionedThroughputExceededException');
    }
    return super.putEvents(events);
  }
}

/** A store whose process "dies" while evaluating: the first findings write never happens. */
class DiesWhileEvaluating extends MemoryStore {
  dead = true;
  override async putFindings(findings: Parameters<MemoryStore['putFindings']>[0]): Promise<void> {
    if (this.dead) throw new Error('process killed');
    return super.putFindings(findings);
  }
}

const rules = loadRules();
const ndjson = { envelope: encodeEnvelope({ contentType: 'application/x-ndjson', ce: {} }) };
const lines = (...events: object[]) => events.map((e) => JSON.stringify(e)).join('\n');
const host = {
  id: 'ev-host-1',
  time: '2026-11-25T00:00:00Z',
  type: 'host.upsert',
  host: { id: 'esx-1', hypervisor: { vendor: 'vmware', build: '24585383' }, lockdownMode: 'disabled' },
};
const vm = {
  id: 'ev-vm-1',
  time: '2026-11-25T00:01:00Z',
  type: 'vm.upsert',
  vm: { id: 'vm-1', hostId: 'esx-1', vcpus: 2 },
};

describe('serve’s local pipeline on the deployed handlers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-pipeline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers 503 when the store refuses the message, and stores it exactly once when the sender retries', async () => {
    const store = new FlakyStore(1);
    const pipeline = createLocalPipeline({ store, rules, reportDir: join(dir, 'r1'), minSeverity: 'high' });
    const failed = await pipeline.ingest({ body: lines(host, vm), ...ndjson });
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ retryable: true });
    const retried = await pipeline.ingest({ body: lines(host, vm), ...ndjson });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ accepted: 2, duplicates: 0 });
    const again = await pipeline.ingest({ body: lines(host, vm), ...ndjson });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2, evaluation: { subjects: 0 } });
    expect(
      (await store.listFindings()).some((f) => f.ruleId === 'esxi.lockdown-mode' && f.resourceId === 'esx-1'),
    ).toBe(true);
  });

  it('evaluates after a restart what an interrupted run stored but never evaluated, though every event is then a duplicate', async () => {
    const store = new DiesWhileEvaluating();
    const dying = createLocalPipeline({ store, rules, reportDir: join(dir, 'r5'), minSeverity: 'high' });
    await expect(dying.ingest({ body: lines(host, vm), ...ndjson })).rejects.toThrow('process killed');
    expect(await store.listFindings()).toEqual([]);

    store.dead = false;
    const restarted = createLocalPipeline({ store, rules, reportDir: join(dir, 'r5'), minSeverity: 'high' });
    await restarted.recoverPending?.();
    expect(
      (await store.listFindings()).some((f) => f.ruleId === 'esxi.lockdown-mode' && f.resourceId === 'esx-1'),
    ).toBe(true);
    expect(await store.listMeta('pending-evaluation/')).toEqual([]);
    const again = await restarted.ingest({ body: lines(host, vm), ...ndjson });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await store.listMeta('pending-evaluation/')).toEqual([]);
  });

  it('evaluates what an interrupted request stored before the next request, without a restart', async () => {
    const store = new DiesWhileEvaluating();
    const pipeline = createLocalPipeline({ store, rules, reportDir: join(dir, 'r6'), minSeverity: 'high' });
    await expect(pipeline.ingest({ body: lines(host), ...ndjson })).rejects.toThrow('process killed');
    store.dead = false;
    const next = await pipeline.ingest({ body: lines(host), ...ndjson });
    expect(next.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(
      (await store.listFindings()).some((f) => f.ruleId === 'esxi.lockdown-mode' && f.resourceId === 'esx-1'),
    ).toBe(true);
  });

  it('answers 400 when every record of the body is rejected, naming the line', async () => {
    const pipeline = createLocalPipeline({
      store: new MemoryStore(),
      rules,
      reportDir: join(dir, 'r2'),
      minSeverity: 'high',
    });
    const res = await pipeline.ingest({ body: '{"not": "an event"}\n', ...ndjson });
    expect(res.status).toBe(400);
    expect((res.body.rejected as { record?: string }[])[0]?.record).toBe('line 1');
  });

  it('renders the report again only after an evaluation changed something', async () => {
    const pipeline = createLocalPipeline({
      store: new MemoryStore(),
      rules,
      reportDir: join(dir, 'r3'),
      minSeverity: 'high',
    });
    await pipeline.ingest({ body: lines(host), ...ndjson });
    const first = await pipeline.latestReport();
    expect(await pipeline.latestReport()).toBe(first);
    await pipeline.ingest({
      body: lines({
        ...host,
        id: 'ev-host-2',
        time: '2026-11-25T01:00:00Z',
        host: { id: 'esx-1', lockdownMode: 'normal' },
      }),
      ...ndjson,
    });
    expect(await pipeline.latestReport()).not.toBe(first);
  });

  it('answers ingests while the Slack webhook hangs, and delivers the digest once Slack answers', async () => {
    const slack = await startSlackLikeServer((_, index) => (index === 0 ? 'hang' : 'ok'));
    try {
      const store = new MemoryStore();
      const pipeline = createLocalPipeline({
        store,
        rules,
        reportDir: join(dir, 'r4'),
        minSeverity: 'high',
        webhookUrl: slack.url,
      });
      const first = await pipeline.ingest({ body: lines(host), ...ndjson });
      expect(first).toMatchObject({ status: 202, body: { accepted: 1, notify: 'scheduled' } });
      // The answer came while Slack still holds the digest's request open: the sender did not wait on it.
      await vi.waitFor(() => expect(slack.held()).toBe(1), { timeout: 30_000, interval: 20 });
      const second = await pipeline.ingest({ body: lines(vm), ...ndjson });
      expect(second).toMatchObject({ status: 202, body: { accepted: 1 } });
      expect(slack.held()).toBe(1);

      slack.release();
      await pipeline.notified?.();
      expect(JSON.stringify(slack.accepted())).toContain('esxi.lockdown-mode');
      expect(await store.listOutbox()).toEqual([]);
    } finally {
      await slack.close();
    }
  }, 60_000);

  it('builds the stream INSERT records the evaluate handler filters on', () => {
    const [record] = streamInsertRecords([host as FleetEvent]);
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { Keys: { pk: { S: 'HOST#esx-1' } } },
    });
    expect(record!.dynamodb!.Keys!.sk!.S).toMatch(/^EV#2026-11-25T00:00:00.000Z#ev-host-1$/);
    expect(JSON.parse(record!.dynamodb!.NewImage!.e!.S!)).toEqual(host);
  });
});
