import type { FleetEvent } from '../../src/model/event';
import type { Finding } from '../../src/model/finding';
import { MemoryStore } from '../../src/store/memory-store';
import type { storedForm } from '../../src/app/simulate';

/** A name that would run script if it ever reached the page as markup. */
export const HOSTILE_VM_NAME = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
export const FORMULA_NAME = '=HYPERLINK("http://evil.example","x")';

const t = (minute: number) => new Date(Date.UTC(2026, 10, 1, 8, minute)).toISOString();

const events: FleetEvent[] = [
  { id: 'p1', time: t(0), type: 'perimeter.upsert', perimeter: { id: 'pci', allowedClusters: ['pci-cluster'] } },
  {
    id: 'h1',
    time: t(0),
    type: 'host.upsert',
    host: { id: 'esx-01', name: 'esx-01.lab', cluster: 'pci-cluster', datacenter: 'dc1' },
  },
  {
    id: 'h2',
    time: t(0),
    type: 'host.upsert',
    host: { id: 'esx-02', name: 'esx-02.lab', cluster: 'general', datacenter: 'dc1' },
  },
  {
    id: 'h3',
    time: t(0),
    type: 'host.upsert',
    host: { id: 'esx-03', name: '</script><b>host</b>', cluster: 'general', datacenter: 'dc1' },
  },
  {
    id: 'v1',
    time: t(1),
    type: 'vm.upsert',
    vm: { id: 'vm-pay', name: 'payments-db', hostId: 'esx-01', perimeter: 'pci' },
  },
  { id: 'v2', time: t(1), type: 'vm.upsert', vm: { id: 'vm-evil', name: HOSTILE_VM_NAME, hostId: 'esx-02' } },
  {
    id: 'c1',
    time: t(2),
    type: 'vm.clone',
    clone: { sourceVmId: 'vm-pay', vm: { id: 'vm-pay-clone', name: 'payments-db-copy', hostId: 'esx-01' } },
  },
  {
    id: 'm1',
    time: t(3),
    type: 'vm.migrate',
    migrate: { vmId: 'vm-pay-clone', fromHostId: 'esx-01', toHostId: 'esx-02', kind: 'drs' },
  },
  { id: 'v3', time: t(4), type: 'vm.upsert', vm: { id: 'vm-formula', name: FORMULA_NAME, hostId: 'esx-03' } },
];

function finding(n: number, overrides: Partial<Finding>): Finding {
  return {
    fingerprint: `fp-${n}`,
    ruleId: `hardening.rule-${n}`,
    pack: 'hardening',
    severity: 'medium',
    category: 'hardening',
    resourceType: 'vm',
    resourceId: 'vm-pay',
    resourceName: 'payments-db',
    title: `Rule ${n} violated`,
    evidence: { setting: `isolation.tools.${n}`, value: false },
    controls: [{ framework: 'vsphere-8-scg', id: `vm-${n}` }],
    remediation: `Set isolation.tools.${n} to true.`,
    status: 'open',
    firstSeen: t(5),
    lastSeen: t(6),
    ...overrides,
  };
}

export const FINDINGS: Finding[] = [
  finding(1, {
    severity: 'critical',
    ruleId: 'esxi.shell-disabled',
    resourceType: 'host',
    resourceId: 'esx-01',
    resourceName: 'esx-01.lab',
    title: 'ESXi shell enabled',
  }),
  finding(2, {
    severity: 'high',
    resourceId: 'vm-evil',
    resourceName: HOSTILE_VM_NAME,
    title: `Copy/paste enabled on ${HOSTILE_VM_NAME}`,
  }),
  finding(3, {
    severity: 'high',
    category: 'perimeter',
    pack: 'perimeter',
    ruleId: 'perimeter.cluster',
    resourceId: 'vm-pay-clone',
    resourceName: 'payments-db-copy',
    title: 'PCI VM outside its perimeter',
    evidence: {
      perimeter: 'pci',
      movements: [{ eventId: 'm1', time: t(3), kind: 'drs', fromHostId: 'esx-01', toHostId: 'esx-02' }],
    },
    remediation: 'Migrate the VM back into pci-cluster or change its perimeter.',
  }),
  finding(4, { severity: 'low', resourceId: 'vm-formula', resourceName: FORMULA_NAME }),
  finding(5, {
    severity: 'medium',
    status: 'waived',
    waiver: { reason: 'Vendor appliance, cannot change', owner: 'ops@example.com', expires: '2027-01-01' },
  }),
  finding(6, { severity: 'info', status: 'resolved', resolvedAt: t(7) }),
  finding(7, {
    severity: 'medium',
    category: 'consolidation',
    pack: 'consolidation',
    resourceType: 'host',
    resourceId: 'esx-02',
    resourceName: 'esx-02.lab',
    title: 'Host overcommitted at peak',
  }),
];

const overloadedHostsPerStep = Array.from({ length: 288 }, (_, i) => (i > 160 && i < 190 ? 1 : 0));

/** What the simulate step stores under `simulation/latest` (storedForm in src/app/simulate.ts), for two hosts. */
export const SIMULATION: ReturnType<typeof storedForm> & { simulatedAt: string; storedDetail: string } = {
  kind: 'hyperaudit.simulation',
  version: 1,
  simulatedAt: t(8),
  storedDetail: 'full',
  window: { start: '2026-11-01T00:00:00.000Z', steps: 288, stepSeconds: 300 },
  seed: 1,
  trials: 2000,
  fleet: {
    hosts: 2,
    activeHosts: 2,
    vms: 3,
    runningVms: 3,
    energyKWh: 123.4,
    hostsWithoutPowerCurve: 0,
    overloadedTimeFraction: 0.042,
    activeHostSteps: 576,
    overloadedHostSteps: 29,
    overloadedHostsPerStep,
    cpuReadyPct: 1.2,
    hostScoreMean: 45,
    hostScoreMax: 72,
    hostsScoring50OrMore: 1,
    vmDowntimeHoursPerYearMean: 5.2,
    antiAffinityViolations: 0,
    clustersWithoutFailover: 1,
  },
  hosts: {
    'esx-02': {
      cluster: 'general',
      score: 72,
      topReason: 'cpuOverload',
      overloadedTimeFraction: 0.1,
      cpuReadyPct: 6.5,
      cpuUtilAvgPct: 61,
      cpuUtilPeakPct: 100,
      memoryOvercommit: 1.4,
      nicContentionTimeFraction: 0,
      storageContentionTimeFraction: 0,
      coincidingPeaks: 3,
      energyKWh: 70.1,
      unavailability: 0.0009,
      blastRadiusVms: 2,
      blastRadiusApps: 1,
      appsLostOnFailure: 1,
      singleFailureRestartable: 0,
    },
    'esx-01': {
      cluster: 'pci-cluster',
      score: 18,
      topReason: null,
      overloadedTimeFraction: 0,
      cpuReadyPct: 0.02,
      cpuUtilAvgPct: 20,
      cpuUtilPeakPct: 41,
      memoryOvercommit: 0.6,
      nicContentionTimeFraction: 0,
      storageContentionTimeFraction: 0,
      coincidingPeaks: 1,
      energyKWh: 53.3,
      unavailability: 0.00046,
      blastRadiusVms: 2,
      blastRadiusApps: 1,
      appsLostOnFailure: 0,
      singleFailureRestartable: 1,
    },
  },
  clusters: {},
  apps: {
    payments: { vms: 2, hosts: 1, expectedDowntimeHoursPerYear: 4.03, antiAffinityViolations: 0 },
    shop: { vms: 1, hosts: 1, expectedDowntimeHoursPerYear: 7.9, antiAffinityViolations: 0 },
  },
  vmDowntimeHoursPerYear: {},
  lostReplicaSets: {},
  antiAffinity: [],
  warnings: [],
};

/** A store holding a small fleet with hostile names, findings of every status, a simulation and two earlier runs. */
export async function reportStore(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.putEvents(events);
  await store.putFindings(FINDINGS);
  await store.putMeta('simulation/latest', SIMULATION);
  for (const [i, at] of ['2026-10-30T00:00:00.000Z', '2026-10-31T00:00:00.000Z'].entries()) {
    await store.putMeta(`runs/${at}`, {
      at,
      hosts: 3,
      vms: 4,
      open: { critical: 2 - i, high: 3, medium: 4, low: 1, info: 0 },
      waived: 1,
      resolved: i,
    });
  }
  return store;
}

/** Names that have broken renderers: markup, Slack syntax, formulas, control and bidi characters, huge strings. */
export const HOSTILE_NAMES = [
  HOSTILE_VM_NAME,
  '</script><script>window.__pwned=1</script>',
  '<!-- <script>window.__pwned=1</script> -->',
  '<svg/onload=window.__pwned=1>',
  '"><iframe srcdoc="<script>parent.__pwned=1</script>">',
  'javascript:window.__pwned=1',
  '<!channel> @here @everyone <@U123|boss>',
  '=cmd|" /C calc"!A0',
  '+1-1',
  '@SUM(A1)',
  '\tTAB\rCR\nLF\u0000NUL\u0007BEL',
  '\u202eevil\u202c \u2028line\u2029para',
  ']]> &amp; &lt;b&gt; \\u003cscript\\u003e',
  `long-${'A'.repeat(60_000)}`,
];

/** A store with one VM and one open finding per hostile name. */
export async function hostileStore(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.putEvents([
    {
      id: 'hh',
      time: t(0),
      type: 'host.upsert',
      host: { id: 'esx-h', name: HOSTILE_NAMES[1], cluster: HOSTILE_NAMES[6] },
    },
    ...HOSTILE_NAMES.map(
      (name, i): FleetEvent => ({
        id: `hv-${i}`,
        time: t(1),
        type: 'vm.upsert',
        vm: { id: `hvm-${i}`, name: name.slice(0, 4096), hostId: 'esx-h' },
      }),
    ),
  ]);
  await store.putFindings(
    HOSTILE_NAMES.map((name, i) =>
      finding(100 + i, {
        resourceId: `hvm-${i}`,
        resourceName: name,
        title: `Finding about ${name}`,
        evidence: { name },
      }),
    ),
  );
  return store;
}
