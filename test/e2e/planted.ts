import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');

type Planted = Record<string, string | string[] | number>;

/** The planted problems of samples/ as (rule, resource, status) the audit must report. */
export function plantedFindings(): { ruleId: string; resourceId: string; status: 'open' | 'waived' }[] {
  const { planted } = JSON.parse(readFileSync(join(SAMPLES, 'fleet', 'summary.json'), 'utf8')) as { planted: Planted };
  const id = (key: string) => {
    const v = planted[key];
    if (typeof v !== 'string') throw new Error(`summary.json planted.${key} is not an id`);
    return v;
  };
  const open = (ruleId: string, key: string) => ({ ruleId, resourceId: id(key), status: 'open' as const });
  return [
    open('esxi.ssh-disabled', 'sshHost'),
    open('esxi.shell-timeout', 'sshHost'),
    { ruleId: 'esxi.lockdown-mode', resourceId: id('lockdownHost'), status: 'waived' },
    open('esxi.mob-disabled', 'lockdownHost'),
    open('esxi.syslog-remote', 'noLoggingHost'),
    open('esxi.ntp-configured', 'noLoggingHost'),
    open('esxi.password-quality', 'weakPasswordHost'),
    open('esxi.account-lockout', 'weakPasswordHost'),
    open('esxi.patch-level', 'oldBuildHost'),
    open('esxi.mem-share-force-salting', 'tpsBpduHost'),
    open('esxi.bpdu-filter', 'tpsBpduHost'),
    open('esxi.secure-boot', 'noSecureBootHost'),
    open('kvm.security-driver', 'kvmUnconfinedHost'),
    open('kvm.qemu-not-root', 'kvmUnconfinedHost'),
    open('kvm.vnc-listen-tls', 'kvmCleartextHost'),
    open('kvm.migrate-tls-force', 'kvmCleartextHost'),
    open('vm.isolation-copy-disable', 'weakVmxVm'),
    open('vm.encrypted-vmotion', 'weakVmxVm'),
    open('vm.remote-display-max-connections', 'vebaDriftVm'),
    open('perimeter.clone-outside-source', 'cloneVm'),
    open('perimeter.migration-crossed', 'migratedOutVm'),
    open('perimeter.vm-placement-outside', 'migratedOutVm'),
    open('perimeter.mixed-trust-host', 'mixedTrustHost'),
    open('perimeter.chatty-cross-datacenter', 'crossDcVm'),
    open('perimeter.vm-network-outside', 'wrongNetworkVm'),
    open('consolidation.vcpu-ratio-high', 'overcommitHost'),
    open('consolidation.memory-overcommit', 'overcommitHost'),
    open('consolidation.single-socket-crowded', 'overcommitHost'),
    open('consolidation.replicas-same-host', 'replicaHost'),
    open('consolidation.coinciding-peaks', 'peaksHost'),
    open('consolidation.ide-on-io-heavy', 'ideVm'),
    open('consolidation.critical-io-without-passthrough', 'noPassthroughVm'),
    open('consolidation.nic-failover-capacity', 'uplinkHost'),
    open('consolidation.iops-over-capacity', 'iopsHost'),
    open('consolidation.cluster-n-plus-one', 'nPlus1Cluster'),
    open('sprawl.old-snapshot', 'oldSnapshotVm'),
    open('sprawl.old-snapshot', 'manySnapshotsVm'),
    open('sprawl.many-snapshots', 'manySnapshotsVm'),
    open('simulation.host-overloaded', 'overcommitHost'),
    open('simulation.host-overloaded', 'peaksHost'),
    open('availability.cluster-cannot-restart', 'nPlus1Cluster'),
    open('availability.replica-set-on-one-host', 'replicaHost'),
    open('availability.replica-set-on-one-host', 'overcommitHost'),
    open('availability.blast-radius', 'overcommitHost'),
  ];
}
