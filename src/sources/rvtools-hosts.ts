/** vHost rows as host.upsert events. */
import type { HypervisorVendor } from '../model/host';
import { contentId } from './ids';
import { compact } from './json-access';
import { emit, rejected, type Outcomes } from './outcome';
import { esxVersion, flag, number, positiveInt, RowError, text } from './rvtools-cells';
import { completeMarker } from './rvtools-coverage';
import { type RvtoolsExport, rowLocation, scopeOf, sheetOf } from './rvtools-export';

/** Appends one outcome per vHost row to `out`; returns host ids by name (the MoRef when the export has Object IDs). */
export function hostUpserts(x: RvtoolsExport, out: Outcomes): Map<string, string> {
  const { time } = x;
  const hostIdByName = new Map<string, string>();
  for (const row of sheetOf(x.sheets, 'vHost')?.rows ?? []) {
    const name = text(row, 'Host');
    if (!name) {
      out.push(rejected('rvtools', rowLocation(x, 'vHost', row), 'row has no Host name', 'vHost.Host'));
      continue;
    }
    try {
      const id = text(row, 'Object ID') ?? name;
      hostIdByName.set(name, id);
      const sockets = positiveInt(number(row, '# CPU'));
      const cores =
        positiveInt(number(row, 'Cores per CPU')) ??
        (sockets ? positiveInt((number(row, '# Cores') ?? 0) / sockets) : undefined);
      const mhz = number(row, 'Speed');
      const ht = flag(row, 'HT Active');
      const ntp = text(row, 'NTP Server(s)');
      const host = compact({
        id,
        name,
        datacenter: text(row, 'Datacenter'),
        cluster: text(row, 'Cluster'),
        hypervisor: { vendor: 'vmware' as HypervisorVendor, ...esxVersion(text(row, 'ESX Version')) },
        cpu:
          sockets && cores && mhz && mhz > 0
            ? compact({
                sockets,
                coresPerSocket: cores,
                threadsPerCore: ht === undefined ? undefined : ht ? 2 : 1,
                mhz,
              })
            : undefined,
        memoryMiB: number(row, '# Memory'),
        maintenanceMode: flag(row, 'in Maintenance Mode'),
        ntpServers: ntp ? ntp.split(/[,;]\s*/).filter(Boolean) : undefined,
      });
      const whole = { ...completeMarker(x.hostFields), ...scopeOf(x, text(row, 'VI SDK Server')) };
      out.push(
        emit(
          'rvtools',
          rowLocation(x, 'vHost', row),
          {
            id: contentId('rvtools', { time, host, ...whole }),
            time,
            type: 'host.upsert',
            source: 'rvtools',
            host,
            ...whole,
          },
          'vHost:',
        ),
      );
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      out.push(rejected('rvtools', rowLocation(x, 'vHost', row), e.message, `vHost.${e.column}`));
    }
  }
  return hostIdByName;
}
