import { describe, expect, it } from 'vitest';
import type { HostView } from '../../src/model/fleet';
import { runSimulation } from '../../src/app/simulate';
import { formatSimulation } from '../../src/simulation/format';
import { fleetOf, traceOf, tracesMap } from './helpers';

const host = (n: number): HostView => ({
  id: `fra-kvm-${String(n).padStart(2, '0')}.fra.example.com`,
  cluster: 'fra-production-general-purpose-cluster',
  cpu: { sockets: 1, coresPerSocket: 2, mhz: 1000 },
  memoryMiB: 65536,
});

describe('simulation tables on a terminal', () => {
  const result = runSimulation(
    fleetOf(
      [host(2), host(12)],
      [
        { id: 'a', hostId: host(2).id, vcpus: 2, workload: { trace: 'busy' } },
        { id: 'b', hostId: host(12).id, vcpus: 2, workload: { trace: 'busy' } },
      ],
    ),
    { traces: tracesMap(traceOf('busy', () => 95)), trials: 0 },
  );

  it('fit every table line into the width and keep the hosts apart', () => {
    for (const width of [80, 100, 120]) {
      const text = formatSimulation(result, 15, width);
      // The hosts and clusters tables (the summary above them holds no names).
      const tables = text.slice(text.indexOf('hosts by score'));
      for (const line of tables.split('\n')) expect([...line].length, `${width}: ${line}`).toBeLessThanOrEqual(width);
      const [two, twelve] = width >= 100 ? ['fra-kvm-02', 'fra-kvm-12'] : ['…02', '…12'];
      expect(tables).toContain(two);
      expect(tables).toContain(twelve);
      expect(tables).not.toContain('example.com');
    }
  });

  it('shows whole names when the terminal is wide enough', () => {
    const text = formatSimulation(result, 15, 300);
    expect(text).toContain('fra-kvm-02.fra.example.com');
    expect(text).toContain('fra-production-general-purpose-cluster');
  });
});
