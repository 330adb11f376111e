import { fixedClock } from '../../src/model/ports/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import { UNVERIFIED_PK } from '../../src/store/items';
import { UNCLUSTERED_GROUP } from '../../src/store/unverified-pages';
import { createDynamoClient } from '../../src/store/open-store';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';

const RULE = 'vm.encrypted-vmotion';
const KEY = 'migrate.encryptionMode';

function vm(id: string, time: string, settings?: Record<string, string>): FleetEvent {
  return {
    id: `${id}-${time}`,
    time,
    type: 'vm.upsert',
    ...(settings !== undefined && { complete: { fields: ['settings'] } }),
    vm: { id, hostId: 'esx-1', powerState: 'poweredOn', ...(settings !== undefined && { settings }) },
  } as FleetEvent;
}

describe('unverified findings on rule pages in DynamoDB', () => {
  let db: LocalDynamo;
  const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
  beforeAll(async () => {
    db = await startLocalDynamo('hyperaudit-unverified-pages-');
    await db.store.putEvents([
      {
        id: 'h1',
        time: '2026-11-01T00:00:00Z',
        type: 'host.upsert',
        host: { id: 'esx-1', hypervisor: { vendor: 'vmware', version: '8.0.3' } },
      } as FleetEvent,
      ...Array.from({ length: 30 }, (_, i) => vm(`vm-${i}`, '2026-11-01T00:00:00Z')),
    ]);
  });
  afterAll(async () => db.stop());

  const statusOf = async (id: string) => {
    const all = (await db.store.listFindings()).filter((f) => f.ruleId === RULE && f.resourceId === id);
    expect(all).toHaveLength(1);
    return all[0]!.status;
  };
  const pageItems = async () => {
    const client = createDynamoClient({ endpoint: db.endpoint });
    const out = await client.send(
      new QueryCommand({
        TableName: db.store.tableName,
        KeyConditionExpression: 'pk = :pk',
        // esx-1 reports no cluster: its resources' pages are the unclustered group's.
        ExpressionAttributeValues: { ':pk': { S: `${UNVERIFIED_PK}#${UNCLUSTERED_GROUP}` } },
      }),
    );
    client.destroy();
    return (out.Items ?? []).map((i) => i.sk!.S!).filter((sk) => sk.includes(`#${RULE}#`));
  };

  it('moves a finding between its page and its own item as its setting is reported, fixed and dropped', async () => {
    const first = await runAudit(
      { store: db.store, clock: fixedClock('2026-12-01T00:00:00.000Z') },
      { rules, full: true },
    );
    expect(first.findings.filter((f) => f.ruleId === RULE && f.status === 'unverified')).toHaveLength(30);
    expect(await statusOf('vm-3')).toBe('unverified');
    // One head and one page hold the rule's 30 unverified findings.
    expect(await pageItems()).toHaveLength(2);

    await db.store.putEvents([vm('vm-3', '2026-12-01T01:00:00Z', { [KEY]: 'opportunistic' })]);
    await runAudit({ store: db.store, clock: fixedClock('2026-12-01T02:00:00.000Z') }, { rules, full: true });
    expect(await statusOf('vm-3')).toBe('open');
    expect(await statusOf('vm-4')).toBe('unverified');
    expect(await pageItems()).toHaveLength(2);

    await db.store.putEvents([vm('vm-3', '2026-12-01T03:00:00Z', {})]);
    await runAudit({ store: db.store, clock: fixedClock('2026-12-01T04:00:00.000Z') }, { rules, full: true });
    expect(await statusOf('vm-3')).toBe('unverified');
    const back = (await db.store.listFindings()).find((f) => f.ruleId === RULE && f.resourceId === 'vm-3')!;
    expect(back.firstSeen).toBe('2026-12-01T00:00:00.000Z');

    await db.store.putEvents([vm('vm-3', '2026-12-01T05:00:00Z', { [KEY]: 'required' })]);
    await runAudit({ store: db.store, clock: fixedClock('2026-12-01T06:00:00.000Z') }, { rules, full: true });
    expect(await statusOf('vm-3')).toBe('resolved');
    expect((await db.store.listFindings()).filter((f) => f.ruleId === RULE && f.status === 'unverified')).toHaveLength(
      29,
    );
    expect(await pageItems()).toHaveLength(2);
  });

  it('writes nothing on an unchanged fleet, pages included', async () => {
    const before = db.store.stats.writeRequests;
    const itemsBefore = db.store.stats.itemsWritten;
    await runAudit({ store: db.store, clock: fixedClock('2026-12-02T00:00:00.000Z') }, { rules, full: true });
    // The run record and the compliance view's entries are the only writes.
    const writes = db.store.stats.writeRequests - before;
    const pagesAfter = await pageItems();
    expect(pagesAfter).toHaveLength(2);
    expect(db.store.stats.itemsWritten - itemsBefore).toBe(writes);
    expect(writes).toBeLessThan(10);
  });
});
