import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { runNotify } from '../../src/app/notify';
import type { FleetEvent } from '../../src/model/event';
import { MemoryStore } from '../../src/store/memory-store';

/** Security.AccountLockFailures 5 passes the SCG (1..5) and fails the STIG (exactly 3). */
const host: FleetEvent = {
  id: 'h1',
  time: '2026-11-01T08:00:00Z',
  type: 'host.upsert',
  host: {
    id: 'vc1/host-1',
    name: 'esx01',
    cluster: 'c1',
    hypervisor: { vendor: 'vmware', build: '24585383' },
    settings: { 'Security.AccountLockFailures': 5 },
    services: { 'TSM-SSH': { running: true, policy: 'on' } },
  },
};
const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}T00:00:00.000Z`;
const lockout = (f: { ruleId: string }) => f.ruleId === 'esxi.account-lockout';
const ssh = (f: { ruleId: string }) => f.ruleId === 'esxi.ssh-disabled';

describe('Each profile keeps its own lifecycle (issue 15 item 7)', () => {
  it('resolves and reopens nothing when audits switch between scg and stig', async () => {
    const store = new MemoryStore();
    await store.putEvents([host]);
    const scg1 = await runAudit({ store, clock: fixedClock(day(2)) }, { profile: 'scg' });
    expect(scg1.findings.some(lockout)).toBe(false);
    const stig = await runAudit({ store, clock: fixedClock(day(3)) }, { profile: 'stig' });
    expect(stig.findings.some(lockout)).toBe(true);
    expect(stig.resolved).toEqual([]);
    const scg2 = await runAudit({ store, clock: fixedClock(day(4)) }, { profile: 'scg' });
    expect(scg2.resolved).toEqual([]);
    expect(scg2.findings.some(lockout)).toBe(false);
    // The SCG's SSH finding was never resolved in between: one open finding since the first audit.
    const scgSsh = (await store.listFindings()).filter((f) => ssh(f) && (f.profile ?? 'scg') === 'scg');
    expect(scgSsh).toEqual([expect.objectContaining({ status: 'open', firstSeen: day(2) })]);
    expect(scgSsh[0]).not.toHaveProperty('resolvedAt');
    // The STIG's own findings stay open while the SCG is audited.
    const stigOpen = (await store.listFindings()).filter((f) => f.profile === 'stig' && f.status === 'open');
    expect(stigOpen.some(lockout)).toBe(true);
  });

  it('sends no digest of the switch back to the profile already announced', async () => {
    const store = new MemoryStore();
    await store.putEvents([host]);
    const now = (n: number) => new Date(day(n));
    await runAudit({ store, clock: fixedClock(day(2)) }, { profile: 'scg' });
    const first = await runNotify({ store, clock: fixedClock(now(2)) }, { minSeverity: 'info' });
    expect(first.newCount).toBeGreaterThan(0);
    await runAudit({ store, clock: fixedClock(day(3)) }, { profile: 'stig' });
    const underStig = await runNotify({ store, clock: fixedClock(now(3)) }, { minSeverity: 'info' });
    expect(underStig.resolvedCount).toBe(0);
    await runAudit({ store, clock: fixedClock(day(4)) }, { profile: 'scg' });
    const back = await runNotify({ store, clock: fixedClock(now(4)) }, { minSeverity: 'info' });
    expect(back).toMatchObject({ newCount: 0, resolvedCount: 0, planned: [] });
  });
});
