import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { guardFindingWrites } from '../../src/app/group-digests';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { Finding } from '../../src/model/finding';
import { fixedClock } from '../../src/model/ports/clock';
import { CLOCK_SKEW_MS, LEASE_MS, MemoryFindingDigests, type GroupDigest } from '../../src/store/finding-digests';
import { MemoryStore } from '../../src/store/memory-store';
import { unverifiedGroupOf } from '../../src/store/unverified-pages';
import { fleetEvents, generateFleet } from '../support/generated-fleet';

const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
const events = fleetEvents(generateFleet({ hosts: 16, vmsPerHost: 3, hostsPerCluster: 8 }));
const FIRST = '2026-12-01T00:00:00.000Z';
const SECOND = '2026-12-02T00:00:00.000Z';

/** A promise and the function that settles it. */
function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fire, fired };
}

/** Records whose digest writes in one group wait for a signal: where the test lets another writer act. */
class HeldDigests extends MemoryFindingDigests {
  hold: { group: string; until: Promise<void> } | undefined;
  override async putIf(profile: string, group: string, expected: string | undefined, digest: GroupDigest | undefined) {
    if (digest !== undefined && group === this.hold?.group) await this.hold.until;
    return super.putIf(profile, group, expected, digest);
  }
}

/** A MemoryStore whose finding items' read says when it has answered, and whose digest writes can be held. */
class InterleavedStore extends MemoryStore {
  override readonly findingDigests = new HeldDigests();
  onItemsRead: (() => void) | undefined;
  override async listFindingItems(): Promise<Finding[]> {
    const items = await super.listFindingItems();
    this.onItemsRead?.();
    return items;
  }
}

/** A store audited once (every group has its digest) and one of its open VM findings, kept on an item. */
async function auditedStore() {
  const store = new InterleavedStore();
  await store.putEvents(events);
  const first = await runAudit({ store, clock: fixedClock(FIRST) }, { rules, full: true });
  const target = first.findings.find((f) => f.resourceType === 'vm' && f.status === 'open')!;
  const group = unverifiedGroupOf(target);
  expect((await store.findingDigests.list('scg')).groups.get(group)?.digest).toBeDefined();
  return { store, target, group };
}

/**
 * A writer of `target`'s group that opens, waits until `auditRead` fires, writes `target` resolved, says so, and is
 * killed there: it never returns, so its closing token is never written (a Lambda timed out, a killed CLI).
 */
function killedWriter(store: MemoryStore, group: string, target: Finding, auditRead: Promise<void>) {
  const wrote = signal();
  const opened = signal();
  void guardFindingWrites(store, 'scg', [group], async () => {
    opened.fire();
    await auditRead;
    await store.putFindings([{ ...target, status: 'resolved', resolvedAt: FIRST }]);
    wrote.fire();
    await new Promise<never>(() => undefined);
  });
  return { opened: opened.fired, wrote: wrote.fired };
}

/**
 * The interleaving: the writer has opened; a full audit lists the records, reads the group (before the write), and
 * is held before its digest in that group until the writer has written; the writer is killed. Then a second full
 * audit of the unchanged fleet.
 */
async function auditBesideKilledWriter(store: InterleavedStore, group: string, target: Finding) {
  const read = signal();
  const writer = killedWriter(store, group, target, read.fired);
  await writer.opened;
  store.onItemsRead = read.fire;
  store.findingDigests.hold = { group, until: writer.wrote };
  await runAudit({ store, clock: fixedClock(SECOND) }, { rules, full: true });
  store.onItemsRead = undefined;
  store.findingDigests.hold = undefined;
  await writer.wrote;
  const again = await runAudit({ store, clock: fixedClock(SECOND) }, { rules, full: true });
  return { again, stored: (await store.listFindings()).find((f) => f.fingerprint === target.fingerprint) };
}

describe('the group digests beside a writer killed between its writes and its closing token', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('leave no digest vouching for what the writer wrote after the audit read the group', async () => {
    const { store, target, group } = await auditedStore();
    const { again, stored } = await auditBesideKilledWriter(store, group, target);
    // Had the audit vouched for the group over the writer's first token, the next audit would trust it and leave the
    // resolved copy a full read reopens.
    expect((await store.findingDigests.list('scg')).groups.get(group)?.digest).toBeUndefined();
    expect(stored?.status).toBe('open');
    expect(again.findings.find((f) => f.fingerprint === target.fingerprint)?.status).toBe('open');
  });

  it("leave none either when another writer's closing token came after the killed writer's first", async () => {
    const { store, target, group } = await auditedStore();
    const read = signal();
    const writer = killedWriter(store, group, target, read.fired);
    await writer.opened;
    // A second writer of the same group opens, writes nothing and closes: the record is a closing token now.
    await guardFindingWrites(store, 'scg', [group], async () => undefined);
    store.onItemsRead = read.fire;
    store.findingDigests.hold = { group, until: writer.wrote };
    await runAudit({ store, clock: fixedClock(SECOND) }, { rules, full: true });
    store.findingDigests.hold = undefined;
    store.onItemsRead = undefined;
    await writer.wrote;
    expect((await store.findingDigests.list('scg')).groups.get(group)?.digest).toBeUndefined();
    await runAudit({ store, clock: fixedClock(SECOND) }, { rules, full: true });
    expect((await store.listFindings()).find((f) => f.fingerprint === target.fingerprint)?.status).toBe('open');
  });

  it("vouch for the killed writer's group again once its lease has run out", async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-12-04T20:00:00.000Z') });
    const { store, target, group } = await auditedStore();
    await auditBesideKilledWriter(store, group, target);
    expect((await store.findingDigests.list('scg')).leased.has(group)).toBe(true);
    vi.setSystemTime(Date.now() + LEASE_MS + CLOCK_SKEW_MS + 1);
    expect((await store.findingDigests.list('scg')).leased.size).toBe(0);
    await runAudit({ store, clock: fixedClock(SECOND) }, { rules, full: true });
    expect((await store.findingDigests.list('scg')).groups.get(group)?.digest).toBeDefined();
  });

  it('keep the lease of a writer that writes for longer than a lease, renewed while it writes', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: Date.parse('2026-12-04T20:00:00.000Z') });
    const store = new MemoryStore();
    const done = signal();
    const writing = guardFindingWrites(store, 'scg', ['C#c0'], () => done.fired);
    await vi.advanceTimersByTimeAsync(0);
    expect((await store.findingDigests.list('scg')).leased.has('C#c0')).toBe(true);
    await vi.advanceTimersByTimeAsync(3 * (LEASE_MS + CLOCK_SKEW_MS));
    expect((await store.findingDigests.list('scg')).leased.has('C#c0')).toBe(true);
    done.fire();
    await writing;
    expect((await store.findingDigests.list('scg')).leased.size).toBe(0);
  });

  it('keep the lease of a writer whose write failed until it runs out, and stop renewing it', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: Date.parse('2026-12-04T20:00:00.000Z') });
    const store = new MemoryStore();
    // A write that failed may still have requests in flight: a released lease would let an audit vouch under them.
    await expect(
      guardFindingWrites(store, 'scg', ['C#c0'], async () => {
        throw new Error('throttled');
      }),
    ).rejects.toThrow('throttled');
    expect((await store.findingDigests.list('scg')).leased.has('C#c0')).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(LEASE_MS + CLOCK_SKEW_MS + 1);
    expect((await store.findingDigests.list('scg')).leased.size).toBe(0);
  });

  it('leave a writer that closed normally no lease: the next audit vouches for its groups', async () => {
    const { store, group } = await auditedStore();
    await guardFindingWrites(store, 'scg', [group], async () => undefined);
    expect((await store.findingDigests.list('scg')).leased.size).toBe(0);
    await runAudit({ store, clock: fixedClock(SECOND) }, { rules, full: true });
    expect((await store.findingDigests.list('scg')).groups.get(group)?.digest).toBeDefined();
  });
});
