import type { Fleet } from '../../model/fleet';
import { indexFleet } from '../../engine/fleet-index';
import { perimeterExcursions, type Excursion } from '../../engine/perimeter-excursions';
import { compareText } from '../../model/event-order';

/** How far back the report lists excursions (issue 15 item 5): one quarter, like the trend's 90 runs of daily audits. */
export const EXCURSION_WINDOW_DAYS = 90;

export interface ReportExcursion {
  vmId: string;
  vmName: string;
  home: string[];
  open: boolean;
  legs: { eventId: string; time: string; fromHostId: string; toHostId: string; toPerimeters: string[] }[];
}

/** Every VM's perimeter excursions with a leg inside the window ending at `generatedAt`, newest first. */
export function reportExcursions(fleet: Fleet, generatedAt: string): ReportExcursion[] {
  const since = Date.parse(generatedAt) - EXCURSION_WINDOW_DAYS * 86_400_000;
  const index = indexFleet(fleet);
  const out: ReportExcursion[] = [];
  for (const vm of fleet.vms.values()) {
    for (const e of perimeterExcursions(index, vm)) {
      if (!e.legs.some((l) => Date.parse(l.time) >= since)) continue;
      out.push(toReportExcursion(vm.id, vm.name ?? vm.id, e));
    }
  }
  const newest = (e: ReportExcursion) => e.legs.at(-1)?.time ?? '';
  return out.sort((a, b) => compareText(newest(b), newest(a)) || compareText(a.vmId, b.vmId));
}

function toReportExcursion(vmId: string, vmName: string, e: Excursion): ReportExcursion {
  return {
    vmId,
    vmName,
    home: [...e.home],
    open: e.open,
    legs: e.legs.map((l) => ({
      eventId: l.eventId,
      time: l.time,
      fromHostId: l.fromHostId,
      toHostId: l.toHostId,
      toPerimeters: [...l.toPerimeters],
    })),
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const perimeters = (list: readonly string[]) => (list.length === 0 ? 'none' : list.join(', '));

/** The "Perimeter excursions" section's inner markup: static, every value escaped here (the page's CSP runs no script but its own). */
export function excursionsBody(excursions: readonly ReportExcursion[] | undefined): string {
  const rows = (excursions ?? []).flatMap((e) =>
    e.legs.map(
      (l, i) =>
        `<tr>${i === 0 ? `<td rowspan="${e.legs.length}">${escapeHtml(e.vmName)}</td><td rowspan="${e.legs.length}">${escapeHtml(perimeters(e.home))}</td><td rowspan="${e.legs.length}">${e.open ? 'outside now' : 'back inside'}</td>` : ''}` +
        `<td>${escapeHtml(l.time)}</td><td>${escapeHtml(l.fromHostId)} → ${escapeHtml(l.toHostId)}</td><td>${escapeHtml(perimeters(l.toPerimeters))}</td><td>${escapeHtml(l.eventId)}</td></tr>`,
    ),
  );
  const body =
    rows.length === 0
      ? `<p>No VM left its perimeters in the last ${EXCURSION_WINDOW_DAYS} days.</p>`
      : `<table><thead><tr><th>VM</th><th>left</th><th>status</th><th>time</th><th>move</th><th>into</th><th>event</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return body;
}
