import { fixedClock } from '../../src/model/ports/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { fleetToJson } from '../../src/model/fleet';
import type { Finding } from '../../src/model/finding';
import { runAudit } from '../../src/app/audit';
import { MemoryStore } from '../../src/store/memory-store';
import { LocalStores } from '../integration/local-store';
import { generateHistory } from './history';
import { ingestVariants, type Variant } from './order-variants';

const byFingerprint = (findings: Finding[]) =>
  [...findings].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));

describe('order and duplicates: a 10,000-event history', () => {
  const events = generateHistory({ events: 10_000, seed: 42 });
  // Fixed: firstSeen/lastSeen then depend only on the stored fleet, so whole findings can be compared.
  const now = '2025-01-01T00:00:00.000Z';
  const rules = loadRules(DEFAULT_RULES_DIR, { profile: 'scg' });
  let stores: LocalStores;
  let variants: Variant[];
  let reference: MemoryStore;
  beforeAll(async () => {
    // Its own process, so dynalite and the ingest each get a core.
    stores = await LocalStores.start({ mode: 'child' });
    reference = new MemoryStore();
    await reference.putEvents(events);
    variants = await ingestVariants(stores, events);
  });
  afterAll(() => stores.stop());

  it('gives the identical inventory in order, shuffled, and with every event delivered twice', async () => {
    const expected = fleetToJson(await reference.loadFleet());
    expect(expected.vms.length).toBeGreaterThan(300);
    expect(expected.vms.some((v) => v.perimeterSource === 'clone')).toBe(true);

    const [inOrder, mixed, twice] = variants;
    expect(inOrder!.report).toMatchObject({ accepted: 10_000, duplicates: 0 });
    expect(mixed!.report).toMatchObject({ accepted: 10_000, duplicates: 0 });
    expect(twice!.report).toMatchObject({ accepted: 10_000, duplicates: 10_000 });
    for (const variant of variants) {
      expect({ variant: variant.name, fleet: fleetToJson(await variant.store.loadFleet()) }).toEqual({
        variant: variant.name,
        fleet: expected,
      });
    }
  });

  it('gives the identical findings in order, shuffled, and with every event delivered twice', async () => {
    const expected = await runAudit({ store: reference, clock: fixedClock(now) }, { rules });
    // Findings of every audited kind, so identical lists cannot come from an audit that found nothing.
    const categories = new Set(expected.findings.map((f) => f.category));
    expect([...categories].sort()).toEqual(expect.arrayContaining(['consolidation', 'hardening', 'perimeter']));
    expect(new Set(expected.findings.map((f) => f.resourceType))).toEqual(new Set(['host', 'vm', 'cluster']));
    expect(expected.findings.some((f) => f.ruleId === 'perimeter.clone-outside-source')).toBe(true);
    expect(expected.findings.length).toBeGreaterThan(200);
    const expectedStored = byFingerprint(await reference.listFindings());
    expect(expectedStored).toHaveLength(expected.findings.length);

    for (const variant of variants) {
      const result = await runAudit({ store: variant.store, clock: fixedClock(now) }, { rules });
      expect({ variant: variant.name, summary: result.summary, findings: result.findings }).toEqual({
        variant: variant.name,
        summary: expected.summary,
        findings: expected.findings,
      });
      // What later runs (report, notify) read back must match too, not just what this run returned.
      expect({ variant: variant.name, stored: byFingerprint(await variant.store.listFindings()) }).toEqual({
        variant: variant.name,
        stored: expectedStored,
      });
    }
  });
});
