import { SEVERITIES } from '../../model/finding';
import { table } from './compliance-view';
import type { FleetScaleView } from './report-data';

/**
 * The fleet-scale page's "Clusters" section: what the page lists of a fleet too large to list, and one line per
 * cluster (hosts, VMs, open findings by severity, summed host risk, riskiest host), riskiest first. Every value is
 * escaped by `table`.
 */
export function clustersBody(view: FleetScaleView): string {
  const note =
    `<p class="note">This fleet's report is assembled from its clusters' summaries: the page lists ` +
    `${view.listed.toLocaleString('en-US')} of ${view.findings.toLocaleString('en-US')} findings (the first ` +
    `${view.perGroup} resources of each fix-first group, and the perimeter violations), and the ` +
    `${view.hostTiles.toLocaleString('en-US')} riskiest hosts' tiles. Every count on the page covers the whole fleet; ` +
    `findings.csv holds every finding, cluster by cluster.</p>`;
  const rows = view.clusters.map((c) => [
    c.shard,
    c.hosts,
    c.vms,
    ...SEVERITIES.map((s) => c.open[s]),
    c.unverified,
    c.waived,
    c.risk,
    c.riskiestHost === undefined ? '—' : `${c.riskiestHost.name} (${c.riskiestHost.risk})`,
  ]);
  return `${note}\n${table(
    ['cluster', 'hosts', 'VMs', ...SEVERITIES.map((s) => `open ${s}`), 'unverified', 'waived', 'risk', 'riskiest host'],
    rows,
  )}`;
}
