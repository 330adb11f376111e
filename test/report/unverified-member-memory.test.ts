import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../../src/report/formats/json-bytes';
import { type PrintedFinding, unverifiedMember } from '../../src/report/formats/json-finding';
import { UnverifiedMemberPrinter } from '../../src/report/formats/unverified-member';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** The heap and the buffers' memory still reachable. */
const heldAfterGc = () => {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

describe('UnverifiedMemberPrinter (memory)', () => {
  it('keeps line ends bounded in bytes, not only in count, when one large evidence spans many clusters', () => {
    // Evidence values and cluster names are reported data: one 64 KB evidence (a reported setting's value, shared by
    // the group's members) over 600 clusters is 38 MB of line ends, which a cache bounded only in entries keeps for as
    // long as the document is written.
    const evidence = { 'setting:A': 'x'.repeat(64 * 1024) };
    const members = Array.from({ length: 600 }, (_, i) => ({
      fingerprint: `f${i}`,
      resourceId: `vm-${i}`,
      cluster: `cluster-${i}`,
      datacenter: 'dc',
      evidence,
      firstSeen: '2026-01-01T00:00:00.000Z',
    })) as unknown as PrintedFinding[];
    const printer = new UnverifiedMemberPrinter();
    const out = new JsonBytes(1 << 10);
    const before = heldAfterGc();
    // Twice: the clusters come back after their ends were forgotten.
    for (const f of [...members, ...members]) {
      printer.write(f, out);
      expect(out.take()?.toString('utf8')).toBe(JSON.stringify(unverifiedMember(f)));
    }
    const held = heldAfterGc() - before;
    // The printer is still in use: what it keeps is reachable.
    printer.write(members[0]!, out);
    expect(held).toBeLessThan(12 * 1024 * 1024);
  });
});
