import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { complianceIdsDigest, complianceIdsText } from '../../src/app/compliance-ids-text';
import { loadCompliance, storeCompliance } from '../../src/app/compliance-store';
import type { ComplianceRecord } from '../../src/engine/compliance';
import { MemoryStore } from '../../src/store/memory-store';

const ODD = [
  '',
  'host-1',
  'a"b\\c',
  '\u0000\n\t\u007f',
  '\ud800',
  '\udc00x',
  '😀/é',
  'vm\u2028-1',
  '</script>',
  'caf\u00e9',
  '\u0080\u00ff',
];
const id = fc.oneof(fc.constantFrom(...ODD), fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ maxLength: 6 }));
const ids = fc.array(id, { maxLength: 6 });

function record(evaluatedSets: string[][], lists: [string[], string[], string[]][]): ComplianceRecord {
  return {
    at: '2026-12-01T00:00:00.000Z',
    profile: 'scg',
    resources: { host: 1, vm: 0, cluster: 0, perimeter: 0 },
    evaluatedSets,
    rules: lists.map(([failIds, unverifiedIds, waivedIds], i) => ({
      ruleId: `r.${i}`,
      title: 't',
      severity: 'high',
      resourceType: 'host',
      controls: [],
      evaluated: 0,
      pass: 0,
      fail: failIds.length,
      waived: waivedIds.length,
      notApplicable: 0,
      unverified: unverifiedIds.length,
      failIds,
      unverifiedIds,
      waivedIds,
    })),
    controls: [],
    frameworks: [],
  };
}

/** The text the parts held before they were written as bytes: their digests must stay those of stored headers. */
function partsText(r: ComplianceRecord): string {
  return JSON.stringify({
    evaluatedSets: r.evaluatedSets,
    rules: r.rules.map((x) => ({ failIds: x.failIds, unverifiedIds: x.unverifiedIds, waivedIds: x.waivedIds })),
  });
}

describe('the compliance view id lists as stored', () => {
  it('hash the UTF-8 of JSON.stringify of the lists, escapes and lone surrogates included; ASCII only when so', () => {
    fc.assert(
      fc.property(
        fc.array(ids, { maxLength: 3 }),
        fc.array(fc.tuple(ids, ids, ids), { maxLength: 4 }),
        (sets, lists) => {
          const r = record(sets, lists);
          const text = partsText(r);
          expect(complianceIdsText(r)).toBe(text);
          const { digest, bytes, ascii } = complianceIdsDigest(r);
          expect(digest).toBe(hash('sha256', text, 'hex'));
          expect(bytes).toBe(Buffer.byteLength(text));
          expect(ascii).toBe(Buffer.byteLength(text) === text.length);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('hash a long list that the record holds several times (one array) as the whole text, ASCII or not', () => {
    for (const odd of ['plain', 'a"b', 'caf\u00e9', '\ud800']) {
      const vms = Array.from({ length: 5_000 }, (_, i) => `vm-${i}`);
      vms[4_321] = odd;
      const r = record(
        [vms, ['h1']],
        [
          [[], vms, []],
          [['vm-1'], vms, []],
          [[], [...vms], vms],
        ],
      );
      const text = partsText(r);
      const { digest, bytes, ascii } = complianceIdsDigest(r);
      expect(digest).toBe(hash('sha256', text, 'hex'));
      expect(bytes).toBe(Buffer.byteLength(text));
      expect(ascii).toBe(Buffer.byteLength(text) === text.length);
    }
  });

  it('hash lists of several chunks of bytes as their whole text', () => {
    const hosts = Array.from({ length: 60_000 }, (_, i) => `vcenter-0000-1111/host-${i}`);
    const r = record([hosts, hosts.slice(7)], [[hosts.slice(0, 10), hosts, ['é']]]);
    const text = partsText(r);
    expect(complianceIdsDigest(r)).toEqual({
      digest: hash('sha256', text, 'hex'),
      bytes: Buffer.byteLength(text),
      ascii: false,
    });
  });

  it('round-trips through the store when the lists hold characters past ASCII across part boundaries', async () => {
    // Over 100,000 characters, so several parts, each cut by characters: a multi-byte character or a surrogate pair
    // may fall on a boundary.
    const hosts = Array.from({ length: 9_000 }, (_, i) => `hôst-😀-${i}`);
    const r = record([hosts], [[hosts.slice(0, 10), ['\ud800', 'a"b'], []]]);
    const store = new MemoryStore();
    await storeCompliance(store, r);
    expect(await loadCompliance(store)).toEqual(r);
    const parts = (await store.listMeta('compliance/latest/part/')).length;
    expect(parts).toBe(Math.ceil(partsText(r).length / 100_000));
  });
});
