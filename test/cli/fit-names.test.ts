import { describe, expect, it } from 'vitest';
import { fitNames, truncateMiddle } from '../../src/report/formats/fit-names';

describe('names fitted to a table column', () => {
  it('leaves a name that fits unchanged', () => {
    expect(fitNames(['vm:web-01'], 20)).toEqual(['vm:web-01']);
  });

  it('cuts a lone long name in the middle, keeping its start and its end', () => {
    const [fitted] = fitNames(['vm:payments-frontend-production-replica-07'], 20);
    expect(fitted).toBe('vm:payment…eplica-07');
    expect([...fitted!]).toHaveLength(20);
  });

  it('drops the domain hosts share before any part that tells them apart', () => {
    const hosts = ['host:fra-kvm-02.fra.example.com', 'host:fra-kvm-12.fra.example.com'];
    expect(fitNames(hosts, 22)).toEqual(['host:fra-kvm-02.fra.e…', 'host:fra-kvm-12.fra.e…']);
    const tight = fitNames(hosts, 12);
    expect(tight).toEqual(['host:f…vm-02', 'host:f…vm-12']);
    expect(new Set(tight).size).toBe(2);
  });

  it('keeps the distinguishing suffix of names that share a long start', () => {
    const vms = ['vm:batch-worker-ingest-queue-a-0001', 'vm:batch-worker-ingest-queue-a-0002'];
    const fitted = fitNames(vms, 16);
    expect(fitted.every((f) => [...f].length === 16)).toBe(true);
    expect(fitted[0]!.endsWith('0001')).toBe(true);
    expect(fitted[1]!.endsWith('0002')).toBe(true);
  });

  it('works out shared endings per kind, so hosts and VMs in one column do not mix', () => {
    const fitted = fitNames(['host:kvm-01.example.org', 'host:kvm-02.example.org', 'vm:db-primary-x'], 14);
    expect(fitted).toEqual(['host:kvm-01.e…', 'host:kvm-02.e…', 'vm:db-p…mary-x']);
  });

  it('counts characters, not UTF-16 units, and never exceeds the width', () => {
    expect(truncateMiddle('vm:Ünïcödé-😀-name-long', 10)).toBe('vm:Ün…long');
    expect(truncateMiddle('abc', 1)).toBe('…');
    expect(truncateMiddle('abc', 0)).toBe('');
  });
});
