import { isEmulatedNic } from '../../simulation/coefficients';
import type { VmContext } from '../fleet-index';
import { fact, type FactDef } from './define';
import { normaliseSetting } from './settings';
import { vmConfigHint } from './collect-hints';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost|\[::1\])$/i;
/** Security drivers that confine QEMU (sVirt); `dac` only sets uid/gid. */
const CONFINING = new Set(['selinux', 'apparmor']);

function hostSetting(ctx: VmContext, key: string): unknown {
  const settings = ctx.host?.settings;
  return settings && Object.hasOwn(settings, key) ? normaliseSetting(settings[key]!) : undefined;
}

const on = (v: unknown) => v === 1 || v === true;

/**
 * A VNC/SPICE console reachable beyond the host without TLS. Where the domain gives no listen address the
 * host's qemu.conf decides (`vnc_listen`/`spice_listen`, default 127.0.0.1; `vnc_auto_unix_socket`); VNC
 * TLS is the host's `vnc_tls`; SPICE is encrypted only with `defaultMode='secure'`.
 */
function exposedConsoles(ctx: VmContext): number | null {
  const graphics = ctx.vm.graphics;
  if (graphics === undefined) return null;
  let n = 0;
  for (const g of graphics) {
    if (g.type !== 'vnc' && g.type !== 'spice') continue;
    if (g.listenType === 'socket' || g.listenType === 'none') continue;
    let listen = g.listen;
    if (listen === undefined && g.listenType !== 'network') {
      if (g.type === 'vnc' && on(hostSetting(ctx, 'vnc_auto_unix_socket'))) continue;
      const dflt = hostSetting(ctx, `${g.type}_listen`);
      listen = typeof dflt === 'string' ? dflt : '127.0.0.1';
    }
    if (listen !== undefined && LOOPBACK.test(listen.trim())) continue;
    const tls = g.type === 'vnc' ? on(hostSetting(ctx, 'vnc_tls')) : g.defaultMode === 'secure';
    if (!tls) n++;
  }
  return n;
}

function emulatedDevices(ctx: VmContext): number {
  return (
    (ctx.vm.nics ?? []).filter((n) => n.passthrough !== true && isEmulatedNic(n.adapter)).length +
    (ctx.vm.disks ?? []).filter((d) => d.controller === 'ide' || d.controller === 'sata').length
  );
}

export const vmKvmDeviceFacts: FactDef<'vm'>[] = [
  fact<'vm'>({
    id: 'consoleExposedWithoutTls',
    description:
      'VNC/SPICE consoles listening beyond loopback without TLS (domain listen, else qemu.conf); null when graphics were not collected.',
    compute: exposedConsoles,
    provenance: { collect: (ctx) => vmConfigHint(ctx, 'graphics consoles (domain XML <graphics>)') },
  }),
  fact<'vm'>({
    id: 'unconfined',
    description:
      'No sVirt confinement: a `<seclabel type="none">`, or no SELinux/AppArmor label while the host runs no SELinux/AppArmor security driver; null when labels were not collected.',
    compute: (ctx) => {
      const labels = ctx.vm.securityLabels;
      if (labels === undefined) return null;
      if (labels.some((l) => l.type === 'none')) return true;
      if (labels.some((l) => l.model !== undefined && CONFINING.has(l.model))) return false;
      // A shut-off domain's XML has no dynamic label yet; it gets one at start when the host has a confining driver.
      const models = ctx.host?.securityModels;
      return models === undefined ? null : !models.some((m) => CONFINING.has(m));
    },
    provenance: {
      collect: (ctx) => vmConfigHint(ctx, 'sVirt labels (domain XML <seclabel>) and the host security driver'),
    },
  }),
  fact<'vm'>({
    id: 'emulatedDeviceCount',
    description:
      'Emulated NICs (e1000, rtl8139, …) plus disks on IDE or SATA, where a paravirtual (virtio) device exists. Unreported unless the VM’s NICs and disks were both reported, or those reported already hold an emulated device.',
    compute: emulatedDevices,
    provenance: {
      // 0 from a source that lists no devices (Proxmox /cluster/resources, Nova) is not a pass.
      reported: (ctx) => (ctx.vm.nics !== undefined && ctx.vm.disks !== undefined) || emulatedDevices(ctx) > 0,
      collect: (ctx) => vmConfigHint(ctx, 'NIC models and disk buses (domain XML <interface>, <disk>)'),
    },
  }),
  fact<'vm'>({
    id: 'hostDeviceCount',
    description: 'Host devices passed through: `<hostdev>` entries plus NICs of type hostdev / passthrough.',
    compute: (ctx) =>
      (ctx.vm.hostDevices ?? []).length + (ctx.vm.nics ?? []).filter((n) => n.passthrough === true).length,
  }),
  fact<'vm'>({
    id: 'otherVmsOnHost',
    description: 'Other VMs defined on the same host (0 when the host is unknown).',
    compute: (ctx) =>
      ctx.vm.hostId === undefined
        ? 0
        : (ctx.index.vmsByHost.get(ctx.vm.hostId) ?? []).filter((v) => v.id !== ctx.vm.id).length,
  }),
];
