/**
 * `npx tsx bench/audit.ts [hosts] [vmsPerHost]`: full audit of a generated fleet (default 5,000 hosts,
 * 100,000 VMs) with the compiled evaluator, against json-rules-engine measured in the same run on a sample and
 * extrapolated: as its documentation suggests for many resource types (one Engine per resource type holding that
 * type's rules, facts as almanac facts, `await engine.run()` per resource), which is the ratio the README quotes,
 * and the naive loop with every rule in one Engine.
 */
import { CompiledRules } from '../src/engine/compile';
import { indexFleet, contextsOf, type ResourceContext } from '../src/engine/fleet-index';
import { computeLifecycle } from '../src/engine/lifecycle';
import { loadRules } from '../src/engine/load-rules';
import { ReferenceRules } from '../test/support/reference-engine';
import { waiverMatcher } from '../src/engine/waivers';
import { emptyFleet, type Fleet, type HostView, type VmView } from '../src/model/fleet';
import type { ResourceType } from '../src/model/finding';
import { mulberry32 } from '../src/simulation/random';

const HOSTS = Number(process.argv[2] ?? 5000);
const VMS_PER_HOST = Number(process.argv[3] ?? 20);
const SAMPLE = 5000;

// Seeded, so every run audits the same fleet.
const rand = mulberry32(20261126);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const chance = (p: number) => rand() < p;

const GOOD_ESXI: Record<string, string | number | boolean> = {
  'Security.AccountLockFailures': 5,
  'Security.AccountUnlockTime': 900,
  'Security.PasswordHistory': 5,
  'UserVars.ESXiShellInteractiveTimeOut': 900,
  'UserVars.ESXiShellTimeOut': 600,
  'Mem.ShareForceSalting': 2,
  'Mem.MemEagerZero': 1,
  'Net.BlockGuestBPDU': 1,
  'Syslog.global.auditRecord.storageEnable': true,
  'Syslog.global.auditRecord.remoteEnable': true,
  'Syslog.global.auditRecord.storageCapacity': 100,
  'Syslog.global.certificate.strictX509Compliance': true,
  'VMkernel.Boot.execInstalledOnly': true,
  'Security.PasswordQualityControl': 'similar=deny retry=3 min=disabled,disabled,disabled,disabled,15 max=64',
  'Config.HostAgent.vmacore.soap.sessionTimeout': 10,
};
const BAD_ESXI: Record<string, string | number | boolean> = {
  'Security.AccountLockFailures': 0,
  'UserVars.ESXiShellTimeOut': 0,
  'Mem.ShareForceSalting': 0,
  'Net.BlockGuestBPDU': '0',
  'Config.HostAgent.plugins.solo.enableMob': 'true',
  'UserVars.ESXiVPsDisabledProtocols': 'sslv3',
};
const VMX_GOOD: Record<string, string | number> = {
  'RemoteDisplay.maxConnections': 1,
  'migrate.encryptionMode': 'required',
  'tools.guest.desktop.autolock': 'TRUE',
};
const VMX_BAD: Record<string, string | number> = {
  'isolation.tools.copy.disable': 'FALSE',
  'RemoteDisplay.maxConnections': -1,
  'tools.guestlib.enableHostInfo': 'TRUE',
  'migrate.encryptionMode': 'opportunistic',
};

function generateFleet(): Fleet {
  const fleet = emptyFleet();
  const perimeters = ['pci', 'corp', 'dmz', 'dev', 'research'];
  for (const [i, id] of perimeters.entries())
    fleet.perimeters.set(id, {
      id,
      trustLevel: i * 2,
      allowedClusters: Array.from({ length: 40 }, (_, k) => `c${(i * 40 + k) % 312}`),
      allowedNetworks: [`net-${id}`],
    });
  for (let h = 0; h < HOSTS; h++) {
    const vendor = chance(0.7) ? 'vmware' : chance(0.67) ? 'kvm' : 'hyperv';
    const settings: Record<string, string | number | boolean> = {};
    if (vendor === 'vmware') {
      for (const [k, v] of Object.entries(GOOD_ESXI)) if (chance(0.9)) settings[k] = v;
      for (const [k, v] of Object.entries(BAD_ESXI)) if (chance(0.05)) settings[k] = v;
    } else if (vendor === 'kvm') {
      settings.security_driver = chance(0.95) ? 'selinux' : 'none';
      settings.user = chance(0.9) ? 'qemu' : 'root';
      settings.migrate_tls_force = chance(0.8) ? 1 : 0;
      settings.security_require_confined = chance(0.8) ? 1 : 0;
    }
    const host: HostView = {
      id: `host-${h}`,
      name: `esx-${h}.example.net`,
      cluster: `c${Math.floor(h / 16)}`,
      datacenter: `dc${h % 3}`,
      hypervisor: { vendor, build: pick(['22380479', '24280767', '24585383']) },
      cpu: { sockets: pick([1, 2, 2, 2]), coresPerSocket: pick([8, 16, 24]), mhz: 2600 },
      memoryMiB: pick([262144, 524288, 1048576]),
      nics: [
        { id: 'vmnic0', speedMbps: 10000 },
        { id: 'vmnic1', speedMbps: 10000 },
      ],
      storage: { iopsCapacity: pick([20000, 50000, 100000]) },
      settings,
      services: { 'TSM-SSH': { running: chance(0.05), policy: 'off' }, ntpd: { running: true, policy: 'on' } },
      lockdownMode: chance(0.9) ? 'normal' : 'disabled',
      secureBoot: chance(0.95),
      tpm: chance(0.9),
      ntpServers: ['ntp1.example.net'],
      syslogHosts: chance(0.95) ? ['ssl://syslog.example.net:1514'] : [],
    };
    fleet.hosts.set(host.id, host);
  }
  let v = 0;
  for (let h = 0; h < HOSTS; h++) {
    for (let k = 0; k < VMS_PER_HOST; k++, v++) {
      const perimeter = chance(0.6) ? pick(perimeters) : undefined;
      const settings: Record<string, string | number> = {};
      // Most VMs carry the SCG values whose installation defaults are not compliant; a few drift.
      for (const [key, val] of Object.entries(VMX_GOOD)) if (chance(0.95)) settings[key] = val;
      for (const [key, val] of Object.entries(VMX_BAD)) if (chance(0.03)) settings[key] = val;
      const vm: VmView = {
        id: `vm-${v}`,
        name: `app-${v}`,
        hostId: `host-${h}`,
        cluster: `c${Math.floor(h / 16)}`,
        datacenter: `dc${h % 3}`,
        ...(perimeter !== undefined && { perimeter, perimeterSource: 'own' as const }),
        powerState: chance(0.9) ? 'poweredOn' : 'poweredOff',
        vcpus: pick([1, 2, 4, 8]),
        memoryMiB: pick([2048, 8192, 16384, 32768]),
        nics: [
          { network: perimeter !== undefined && chance(0.98) ? `net-${perimeter}` : 'net-office', adapter: 'vmxnet3' },
        ],
        disks: [{ controller: chance(0.02) ? 'ide' : 'scsi', sizeGiB: 100 }],
        settings,
        labels: {
          app: `app${v % 997}`,
          role: pick(['web', 'db', 'cache']),
          ...(chance(0.02) && { criticality: 'critical', chatty: true }),
        },
        workload: {
          cpuPeakPct: pick([40, 60, 85, 95]),
          peakHourUtc: pick([9, 10, 14, 20]),
          iops: pick([50, 200, 800, 3000]),
          netMbps: pick([10, 100, 500]),
        },
        movements: chance(0.05)
          ? [
              {
                eventId: `mig-${v}`,
                time: '2026-11-20T10:00:00Z',
                kind: 'live',
                fromHostId: `host-${(h + 1) % HOSTS}`,
                toHostId: `host-${h}`,
              },
            ]
          : [],
      };
      fleet.vms.set(vm.id, vm);
    }
  }
  return fleet;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const t0 = performance.now();
const fleet = generateFleet();
const rules = loadRules(undefined, { profile: 'scg' });
const genMs = performance.now() - t0;
const resources = fleet.hosts.size + fleet.vms.size;
process.stdout.write(
  `fleet: ${fmt(fleet.hosts.size)} hosts, ${fmt(fleet.vms.size)} VMs, ${rules.length} rules (generated in ${fmt(genMs)} ms)\n`,
);

// --- compiled: full audit = index + compile + evaluate + lifecycle ---
const tFull = performance.now();
const index = indexFleet(fleet, undefined);
const compiled = new CompiledRules(rules);
const evaluation = compiled.evaluate(index);
const tEval = performance.now();
const life = computeLifecycle({
  previous: [],
  hits: evaluation.hits,
  ruleIds: new Set(rules.map((r) => r.id)),
  evaluated: () => true,
  waivers: waiverMatcher([]),
  now: new Date().toISOString(),
});
const fullMs = performance.now() - tFull;
const evalMs = tEval - tFull;
const findings = life.findings.length;
process.stdout.write(
  `compiled full audit: ${fmt(fullMs)} ms (evaluate ${fmt(evalMs)} ms, lifecycle ${fmt(fullMs - evalMs)} ms), ${fmt(findings)} findings, ` +
    `${fmt(resources / (evalMs / 1000))} resources/s, ${fmt(findings / (fullMs / 1000))} findings/s\n`,
);

// --- naive json-rules-engine loop on an evenly spaced sample, extrapolated ---
const reference = new ReferenceRules(rules);
const all: ResourceContext[] = (['host', 'vm'] as ResourceType[]).flatMap((t) => contextsOf(index, t));
const step = Math.max(1, Math.floor(all.length / SAMPLE));
const sample = all.filter((_, i) => i % step === 0).slice(0, SAMPLE);
const tNaive = performance.now();
let naiveHits = 0;
for (const ctx of sample) naiveHits += (await reference.run(ctx)).length;
const naiveMs = performance.now() - tNaive;
const naiveRate = sample.length / (naiveMs / 1000);
const naiveFullMs = (resources / naiveRate) * 1000;
process.stdout.write(
  `naive json-rules-engine loop: ${fmt(sample.length)} sampled resources in ${fmt(naiveMs)} ms = ${fmt(naiveRate)} resources/s; ` +
    `extrapolated to the fleet: ${fmt(naiveFullMs / 1000, 1)} s\n`,
);

// The fair baseline: one Engine per resource type, so a VM pays only for the VM rules.
const perType = new Map(
  (['host', 'vm'] as ResourceType[]).map((t) => [t, new ReferenceRules(rules.filter((r) => r.resourceType === t))]),
);
const tPerType = performance.now();
let perTypeHits = 0;
for (const ctx of sample) perTypeHits += (await perType.get(ctx.type)!.run(ctx)).length;
const perTypeMs = performance.now() - tPerType;
const perTypeRate = sample.length / (perTypeMs / 1000);
const perTypeFullMs = (resources / perTypeRate) * 1000;
process.stdout.write(
  `json-rules-engine, one Engine per resource type: ${fmt(perTypeRate)} resources/s; extrapolated to the fleet: ${fmt(perTypeFullMs / 1000, 1)} s ` +
    `(${fmt((perTypeFullMs / naiveFullMs) * 100, 0)}% of the one-Engine loop's time; fired ${fmt(perTypeHits)} on the sample, one Engine ${fmt(naiveHits)})\n`,
);

// The calibration figure ("about 3,000 resources/s with 20 rules"): the same loop with 20 rules.
const twenty = new ReferenceRules(rules.filter((_, i) => i % Math.ceil(rules.length / 20) === 0).slice(0, 20));
const sample20 = sample.slice(0, 2000);
const t20 = performance.now();
for (const ctx of sample20) await twenty.run(ctx);
const rate20 = sample20.length / ((performance.now() - t20) / 1000);
process.stdout.write(`naive loop with 20 of the rules (calibration): ${fmt(rate20)} resources/s\n`);

// --- identical findings on the sample ---
const hostIds = new Set(sample.filter((c) => c.type === 'host').map((c) => c.id));
const vmIds = new Set(sample.filter((c) => c.type === 'vm').map((c) => c.id));
const scope = { host: hostIds, vm: vmIds, cluster: new Set<string>(), perimeter: new Set<string>() };
const key = (h: { rule: { id: string }; resourceId: string; evidence: unknown }) =>
  `${h.rule.id}|${h.resourceId}|${JSON.stringify(h.evidence)}`;
const a = compiled.evaluate(index, scope).hits.map(key).sort();
const b = (await reference.evaluate(index, scope)).hits.map(key).sort();
const identical = a.length === b.length && a.every((x, i) => x === b[i]);
process.stdout.write(
  `findings on the sample: compiled ${fmt(a.length)}, json-rules-engine ${fmt(b.length)} (naive loop fired ${fmt(naiveHits)}) — ${identical ? 'identical' : 'DIFFERENT'}\n`,
);

const ratio = perTypeFullMs / evalMs;
process.stdout.write(
  `speed-up (evaluation, compiled vs json-rules-engine with one Engine per type, extrapolated): ${fmt(ratio, 1)}x (goal >= 10x); ` +
    `vs the one-Engine loop: ${fmt(naiveFullMs / evalMs, 1)}x; full audit ${fmt(fullMs / 1000, 2)} s (goal <= 5 s)\n`,
);
if (!identical || perTypeHits !== naiveHits) process.exitCode = 1;
