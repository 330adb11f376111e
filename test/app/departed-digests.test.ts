import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { resolveRemovedItems } from '../../src/app/departed-resources';
import { guardFindingWrites } from '../../src/app/group-digests';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { fixedClock } from '../../src/model/ports/clock';
import { MemoryStore } from '../../src/store/memory-store';
import { unverifiedGroupOf } from '../../src/store/unverified-pages';
import { fleetEvents, generateFleet } from '../support/generated-fleet';

const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });

describe("the sharded run's resolution of removed resources and the group digests", () => {
  it("leaves no digest vouching for a removed VM's findings it resolved", async () => {
    const store = new MemoryStore();
    await store.putEvents(fleetEvents(generateFleet({ hosts: 16, vmsPerHost: 3, hostsPerCluster: 8 })));
    const audit = await runAudit({ store, clock: fixedClock('2026-12-01T00:00:00.000Z') }, { rules, full: true });
    const gone = audit.findings.find((f) => f.resourceType === 'vm' && f.status === 'open')!;
    const group = unverifiedGroupOf(gone);
    expect((await store.findingDigests.list('scg')).groups.get(group)?.digest).toBeDefined();

    const out = await resolveRemovedItems(store, {
      removed: { keys: new Set([`vm#${gone.resourceId}`]), evidence: new Map() },
      profile: 'scg',
      ruleIds: new Set(rules.map((r) => r.id)),
      auditedAt: '2026-12-02T00:00:00.000Z',
      inFlight: 4,
    });

    expect(out.resolved).toBeGreaterThan(0);
    // Had the digest stayed, an audit finding that VM back as it was would match it, trust the group and keep the
    // resolved copies the table now holds.
    const entry = (await store.findingDigests.list('scg')).groups.get(group);
    expect(entry).toBeDefined();
    expect(entry!.digest).toBeUndefined();
  });
});

describe('a writer whose write fails', () => {
  it('leaves no digest that a full audit put over its first token while the write ran', async () => {
    const store = new MemoryStore();
    const digests = store.findingDigests;
    const write = guardFindingWrites(store, 'scg', ['C#c0'], async () => {
      // A full audit beside the writer: it listed the writer's first token and vouches for the group over it.
      const token = (await digests.list('scg')).groups.get('C#c0')!.token;
      await digests.putIf('scg', 'C#c0', token, { digest: '1:beside', firstSeen: [] });
      throw new Error('the write failed half way');
    });
    await expect(write).rejects.toThrow('half way');
    expect((await digests.list('scg')).groups.get('C#c0')!.digest).toBeUndefined();
  });
});
