import { complianceBody, unverifiedBody } from './compliance-view';
import { clustersBody } from './clusters-section';
import { excursionsBody } from './excursions-section';
import { planBody } from './plan-view';
import type { ReportData } from './report-data';

/**
 * One section of report.html: its static skeleton only. The page script fills the elements by id from the
 * embedded JSON; `body` is trusted markup written here, never data (names reach the page only through the
 * script's textContent).
 */
export interface PageSection {
  id: string;
  title: string;
  body: string;
}

/** A section is added to the page by adding its function to REPORT_SECTIONS; undefined leaves it out. */
export type SectionRenderer = (data: ReportData) => PageSection | undefined;

const summary: SectionRenderer = () => ({
  id: 'summary',
  title: 'Summary',
  body: '<div class="cards" id="summary-cards"></div><div class="charts" id="overview-charts"></div>',
});

const fixFirst: SectionRenderer = () => ({
  id: 'fix-first',
  title: 'Fix first',
  body: `<p class="note">Findings that are not resolved or waived, one row per fix: ranked by severity, then by how many resources the fix reaches, then by category (perimeter breaches before hardening gaps before capacity risks). Open a row's resources to jump to each finding.</p>
<div class="filters">
<label for="fix-group-by">Group by</label><select id="fix-group-by"><option value="rule">rule</option><option value="remediation">remediation</option></select>
<label for="fix-search">Search</label><input type="search" id="fix-search" placeholder="rule, title, remediation, resource">
<span class="count" id="fix-count"></span>
</div><div id="fix-first-list"></div>`,
});

const heatmap: SectionRenderer = () => ({
  id: 'hosts',
  title: 'Per-host risk',
  body: '<p class="note" id="risk-explained"></p><div class="legend" id="risk-legend"></div><div id="heatmap"></div>',
});

const perimeter: SectionRenderer = () => ({
  id: 'perimeter-section',
  title: 'Perimeter violations',
  body: '<div id="perimeter"></div>',
});

const simulation: SectionRenderer = () => ({
  id: 'simulation-section',
  title: 'Consolidation and simulation',
  body: '<div id="simulation"></div>',
});

const trend: SectionRenderer = () => ({
  id: 'trend-section',
  title: 'Trend across runs',
  body: '<div id="trend"></div>',
});

const findings: SectionRenderer = () => ({
  id: 'findings',
  title: 'Findings',
  body: `<p class="note" id="anchor-note" hidden></p>
<div class="filters">
<label for="filter-severity">Minimum severity</label><select id="filter-severity"><option value="">any</option></select>
<label for="filter-category">Category</label><select id="filter-category"><option value="">any</option></select>
<label for="filter-status">Status</label><select id="filter-status"><option value="">any</option></select>
<label for="filter-host">Host</label><select id="filter-host"><option value="">any</option></select>
<label for="search">Search</label><input type="search" id="search" placeholder="rule, VM, host, text">
<span class="count" id="visible-count"></span>
</div>`,
});

const waived: SectionRenderer = () => ({
  id: 'waived-section',
  title: 'Waived findings',
  body: '<div id="waived"></div>',
});

/** The page's sections in order. */
/** Server-rendered: excursions-section escapes every value it writes. */
const excursions: SectionRenderer = (data) => ({
  id: 'excursions',
  title: 'Perimeter excursions',
  body: excursionsBody(data.excursions),
});

/** Server-rendered: plan-view escapes every value it writes. */
const plan: SectionRenderer = (data) =>
  data.plan ? { id: 'plan', title: 'Planned fixes', body: planBody(data.plan) } : undefined;

/** Server-rendered: compliance-view escapes every value it writes. */
const unverified: SectionRenderer = (data) => {
  const body = unverifiedBody(data.unverified, data.unlistedUnverified);
  return body === undefined
    ? undefined
    : { id: 'unverified', title: 'Unverified: not reported, collect to verify', body };
};
const compliance: SectionRenderer = (data) => ({
  id: 'compliance',
  title: 'Compliance',
  body: complianceBody(data.compliance),
});

/** Server-rendered, only on a fleet-scale report: clusters-section escapes every value it writes. */
const clusters: SectionRenderer = (data) =>
  data.fleetScale ? { id: 'clusters', title: 'Clusters', body: clustersBody(data.fleetScale) } : undefined;

export const REPORT_SECTIONS: readonly SectionRenderer[] = [
  summary,
  clusters,
  unverified,
  compliance,
  fixFirst,
  heatmap,
  perimeter,
  excursions,
  simulation,
  plan,
  trend,
  findings,
  waived,
];

/** The sections this report shows, in page order. */
export function pageSections(data: ReportData, renderers: readonly SectionRenderer[] = REPORT_SECTIONS): PageSection[] {
  return renderers.map((render) => render(data)).filter((s): s is PageSection => s !== undefined);
}

export function sectionsHtml(sections: readonly PageSection[]): string {
  return sections.map((s) => `<section id="${s.id}"><h2>${s.title}</h2>\n${s.body}\n</section>`).join('\n');
}

/** Links to every section, so a long report can be crossed without scrolling. */
export function navHtml(sections: readonly PageSection[]): string {
  return `<nav class="sections">${sections.map((s) => `<a href="#${s.id}">${s.title}</a>`).join('')}</nav>`;
}
