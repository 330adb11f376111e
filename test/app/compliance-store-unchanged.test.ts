import { describe, expect, it } from 'vitest';
import { loadCompliance, storeCompliance } from '../../src/app/compliance-store';
import { buildCompliance, type ComplianceRecord } from '../../src/engine/compliance';
import type { LoadedRule } from '../../src/engine/types';
import type { Finding } from '../../src/model/finding';
import { MemoryStore } from '../../src/store/memory-store';

const PART_PREFIX = 'compliance/latest/part/';

function rule(id: string): LoadedRule {
  return {
    id,
    title: id,
    severity: 'high',
    resourceType: 'host',
    controls: [{ framework: 'vsphere-8-scg', id: `c.${id}` }],
  } as unknown as LoadedRule;
}

/** Makes the store fail the header that carries a digest (a writer stopped after its parts); returns the real put. */
function crashBeforeHeader(store: MemoryStore): MemoryStore['putMeta'] {
  const put = store.putMeta.bind(store);
  store.putMeta = async (key, value) => {
    if (key === 'compliance/latest' && (value as { partsDigest?: string }).partsDigest !== undefined)
      throw new Error('crash before the header');
    await put(key, value);
  };
  return put;
}

/** A view large enough for several parts; `failing` hosts fail the rule. */
function view(at: string, failing: number): ComplianceRecord {
  const hosts = Array.from({ length: 20_000 }, (_, i) => `vcenter-0000-1111/host-${i}`);
  const findings = hosts.slice(0, failing).map(
    (id) =>
      ({
        fingerprint: `f-${id}`,
        ruleId: 'r.a',
        resourceType: 'host',
        resourceId: id,
        status: 'open',
        severity: 'high',
      }) as unknown as Finding,
  );
  return buildCompliance({
    at,
    profile: 'scg',
    rules: [rule('r.a')],
    coverage: [{ ruleId: 'r.a', resourceIds: hosts, unverifiedIds: [] }],
    findings,
    resources: { host: hosts.length, vm: 0, cluster: 0, perimeter: 0 },
  });
}

/** Meta keys written from now on. */
function recordWrites(store: MemoryStore): string[] {
  const keys: string[] = [];
  const put = store.putMeta.bind(store);
  store.putMeta = async (key, value) => {
    keys.push(key);
    await put(key, value);
  };
  return keys;
}

describe('storing the compliance view of an unchanged fleet', () => {
  it('writes no part again when the id lists are the ones stored: only the header and the trend entry', async () => {
    const store = new MemoryStore();
    await storeCompliance(store, view('2026-12-01T00:00:00.000Z', 300));
    const written = recordWrites(store);
    const again = view('2026-12-02T00:00:00.000Z', 300);
    await storeCompliance(store, again);
    expect(written.filter((k) => k.startsWith(PART_PREFIX))).toEqual([]);
    expect(await loadCompliance(store)).toEqual(again);
  });

  it('writes every part again after a writer of other lists stopped after its parts, before its header', async () => {
    const store = new MemoryStore();
    const first = view('2026-12-01T00:00:00.000Z', 300);
    await storeCompliance(store, first);
    // Stops after the last part, before the header naming them.
    const put = crashBeforeHeader(store);
    await expect(storeCompliance(store, view('2026-12-02T00:00:00.000Z', 9_000))).rejects.toThrow('crash');
    store.putMeta = put;
    // The same lists as the header's before the crash: its digest no longer vouches for the parts, which were replaced.
    const third = view('2026-12-03T00:00:00.000Z', 300);
    await storeCompliance(store, third);
    expect(await loadCompliance(store)).toEqual(third);
  });

  it('reads a header written before the digest and writes the parts beside it once', async () => {
    const store = new MemoryStore();
    await storeCompliance(store, view('2026-12-01T00:00:00.000Z', 300));
    const { partsDigest: _d, ...older } = (await store.getMeta<Record<string, unknown>>('compliance/latest'))!;
    await store.putMeta('compliance/latest', older);
    expect(await loadCompliance(store)).toEqual(view('2026-12-01T00:00:00.000Z', 300));
    const written = recordWrites(store);
    await storeCompliance(store, view('2026-12-02T00:00:00.000Z', 300));
    expect(written.filter((k) => k.startsWith(PART_PREFIX)).length).toBeGreaterThan(1);
    written.length = 0;
    await storeCompliance(store, view('2026-12-03T00:00:00.000Z', 300));
    expect(written.filter((k) => k.startsWith(PART_PREFIX))).toEqual([]);
  });

  it('never leaves a digest vouching for parts it rewrote when the stored header could not be read', async () => {
    const store = new MemoryStore();
    const first = view('2026-12-01T00:00:00.000Z', 300);
    await storeCompliance(store, first);
    const get = store.getMeta.bind(store);
    // The header's read fails once (a throttled request, a shape this version refuses), then the writer stops
    // after its parts, before its header.
    store.getMeta = async <T>(key: string): Promise<T | undefined> => {
      if (key === 'compliance/latest') throw new Error('read failed');
      return get<T>(key);
    };
    const put = crashBeforeHeader(store);
    await storeCompliance(store, view('2026-12-02T00:00:00.000Z', 9_000)).catch(() => undefined);
    store.getMeta = get;
    store.putMeta = put;
    const third = view('2026-12-03T00:00:00.000Z', 300);
    await storeCompliance(store, third);
    expect(await loadCompliance(store)).toEqual(third);
  });

  it('writes over a header this version cannot read, and its digest no longer vouches for the parts', async () => {
    const store = new MemoryStore();
    await storeCompliance(store, view('2026-12-01T00:00:00.000Z', 300));
    const stored = (await store.getMeta<Record<string, unknown>>('compliance/latest'))!;
    await store.putMeta('compliance/latest', { ...stored, parts: 'unreadable' });
    const put = crashBeforeHeader(store);
    await expect(storeCompliance(store, view('2026-12-02T00:00:00.000Z', 9_000))).rejects.toThrow('crash');
    store.putMeta = put;
    await store.putMeta('compliance/latest', {
      ...(await store.getMeta<Record<string, unknown>>('compliance/latest')),
      parts: stored.parts,
    });
    const third = view('2026-12-03T00:00:00.000Z', 300);
    await storeCompliance(store, third);
    expect(await loadCompliance(store)).toEqual(third);
  });
});
