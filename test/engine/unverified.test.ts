import { fixedClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { computeDigest } from '../../src/alerts/digest';
import { runAudit } from '../../src/app/audit';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import { MemoryStore } from '../../src/store/memory-store';

const rules = loadRules(DEFAULT_RULES_DIR);
const at = (n: number) => new Date(Date.UTC(2026, 10, 1, 8, n)).toISOString();
const esx = (id: string, n: number, host: Record<string, unknown>): FleetEvent =>
  ({
    id: `e${n}`,
    time: at(n),
    type: 'host.upsert',
    host: { id, hypervisor: { vendor: 'vmware' }, ...host },
  }) as FleetEvent;
const find = (findings: readonly Finding[], ruleId: string, resourceId: string) =>
  findings.find((f) => f.ruleId === ruleId && f.resourceId === resourceId);

describe('unverified: results that rest on settings nobody reported', () => {
  it('marks a failure on an assumed default unverified and says what to collect, an observed one open', async () => {
    const store = new MemoryStore();
    await store.putEvents([
      esx('esx-silent', 1, {}),
      esx('esx-bad', 2, { settings: { 'Security.AccountLockFailures': 10 } }),
      {
        id: 'k1',
        time: at(3),
        type: 'host.upsert',
        host: { id: 'kvm-1', hypervisor: { vendor: 'kvm' } },
      } as FleetEvent,
    ]);
    const r = await runAudit({ store, clock: fixedClock(at(10)) }, { rules });
    // Security.AccountLockFailures defaults to 5, which fails the stig range 3..3 but passes scg 1..5: use a
    // rule whose default fails under scg instead.
    const silent = find(r.findings, 'esxi.ssh-disabled', 'esx-silent');
    expect(silent).toBeUndefined(); // SSH is off by default: no finding at all, but not verified either
    const ssh = r.coverage.find((c) => c.ruleId === 'esxi.ssh-disabled');
    expect(ssh?.unverifiedIds).toContain('esx-silent');

    const lockout = find(r.findings, 'esxi.account-lockout', 'esx-bad');
    expect(lockout?.status).toBe('open');
    expect(lockout?.verify).toBeUndefined();

    const unverified = r.findings.filter((f) => f.resourceId === 'esx-silent');
    expect(unverified.length).toBeGreaterThan(0);
    for (const f of unverified) {
      expect(f.status).toBe('unverified');
      expect(f.verify?.missing.length).toBeGreaterThan(0);
      expect(f.verify?.collect.length).toBeGreaterThan(0);
    }
    const advanced = unverified.find((f) => f.verify?.missing.some((k) => k.startsWith('setting')));
    expect(advanced?.verify?.collect.join(' ')).toContain('hyperaudit collect vsphere');

    const qemu = find(r.findings, 'kvm.qemu-not-root', 'kvm-1');
    expect(qemu?.status).toBe('unverified');
    expect(qemu?.verify?.collect.join(' ')).toContain('collect libvirt');
    expect(qemu?.verify?.collect.join(' ')).toContain('--qemu-conf');

    const open = r.findings.filter((f) => f.status === 'open').length;
    expect(Object.values(r.summary.findings).reduce((a, b) => a + b, 0)).toBe(open);
    expect(Object.values(r.summary.unverified).reduce((a, b) => a + b, 0)).toBe(
      r.findings.filter((f) => f.status === 'unverified').length,
    );
  });

  it('decides with what was observed when one part of a rule was reported failing (three-valued logic)', async () => {
    // esxi.ssh-disabled: any(serviceRunning = true, servicePolicy in on/automatic). Running is reported true,
    // the policy is not reported: the rule fails on what was observed, whatever the policy.
    const store = new MemoryStore();
    await store.putEvents([esx('esx-1', 1, { services: { 'TSM-SSH': { running: true } } })]);
    const r = await runAudit({ store, clock: fixedClock(at(10)) }, { rules });
    expect(find(r.findings, 'esxi.ssh-disabled', 'esx-1')?.status).toBe('open');
  });

  it('moves a finding between unverified and open as its setting is reported, keeping its identity', async () => {
    const store = new MemoryStore();
    await store.putEvents([
      {
        id: 'k1',
        time: at(1),
        type: 'host.upsert',
        host: { id: 'kvm-1', hypervisor: { vendor: 'kvm' } },
      } as FleetEvent,
    ]);
    const first = find(
      (await runAudit({ store, clock: fixedClock(at(10)) }, { rules })).findings,
      'kvm.qemu-not-root',
      'kvm-1',
    );
    expect(first?.status).toBe('unverified');

    await store.putEvents([
      { id: 'k2', time: at(2), type: 'host.upsert', host: { id: 'kvm-1', settings: { user: 'root' } } } as FleetEvent,
    ]);
    const second = find(
      (await runAudit({ store, clock: fixedClock(at(20)) }, { rules })).findings,
      'kvm.qemu-not-root',
      'kvm-1',
    );
    expect(second).toMatchObject({ status: 'open', fingerprint: first?.fingerprint, firstSeen: first?.firstSeen });
    expect(second?.verify).toBeUndefined();

    await store.putEvents([
      { id: 'k3', time: at(3), type: 'host.upsert', host: { id: 'kvm-1', settings: { user: 'qemu' } } } as FleetEvent,
    ]);
    const third = await runAudit({ store, clock: fixedClock(at(30)) }, { rules });
    expect(find(third.findings, 'kvm.qemu-not-root', 'kvm-1')).toBeUndefined();
    expect(find(third.resolved, 'kvm.qemu-not-root', 'kvm-1')?.status).toBe('resolved');
  });

  it('keeps unverified findings out of the Slack digest unless asked, and announces one that becomes open', () => {
    const base: Finding = {
      fingerprint: 'fp-1',
      ruleId: 'kvm.qemu-not-root',
      pack: 'hardening',
      severity: 'high',
      category: 'hardening',
      resourceType: 'host',
      resourceId: 'kvm-1',
      title: 'QEMU processes must not run as root',
      evidence: {},
      controls: [],
      remediation: 'Set user.',
      status: 'unverified',
      verify: { missing: ['setting(key=user)'], collect: ['qemu.conf options: hyperaudit collect libvirt'] },
      firstSeen: at(1),
      lastSeen: at(1),
    };
    const quiet = computeDigest([base], undefined, 'high', at(2));
    expect(quiet.newItems).toEqual([]);
    expect(quiet.openCount).toBe(0);
    const asked = computeDigest([base], undefined, 'high', at(2), { includeUnverified: true });
    expect(asked.newItems.map((i) => i.status)).toEqual(['unverified']);

    const { verify: _v, ...observed } = base;
    const opened = computeDigest([{ ...observed, status: 'open' }], quiet.nextState, 'high', at(3));
    expect(opened.newItems.map((i) => i.status)).toEqual(['open']);
    // Its data stops being reported: it is no longer observed failing, so the digest closes it.
    const back = computeDigest([base], opened.nextState, 'high', at(4));
    expect(back.closedItems.map((i) => i.status)).toEqual(['unverified']);
  });
});
