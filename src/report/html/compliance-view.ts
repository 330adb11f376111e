import { UNVERIFIED_LISTED_PER_RULE } from './listed-findings';
import { getOrCreate } from '../../model/get-or-create';
import {
  frameworkName,
  type ComplianceRecord,
  type ComplianceSummary,
  type ControlCompliance,
  type FrameworkCompliance,
  type OutcomeCounts,
} from '../../engine/compliance';
import { SEVERITIES, type Finding, type Severity } from '../../model/finding';
import { compareText } from '../../model/event-order';

/** The compliance view as report.json carries it: figures per framework, control and rule, and their trend. */
export interface ComplianceView {
  at: string;
  profile: string;
  frameworks: FrameworkCompliance[];
  controls: ControlCompliance[];
  rules: ({ ruleId: string; title: string; severity: Severity; controls: string[] } & OutcomeCounts)[];
  /** The last audits' percent compliant per framework, oldest first. */
  history: { at: string; profile: string; percent: Record<string, number | null> }[];
}

/** Unverified findings grouped by what to collect to verify them. */
export interface UnverifiedView {
  total: number;
  bySeverity: Record<Severity, number>;
  collect: { hint: string; findings: number; resources: number; rules: string[] }[];
}

export function toComplianceView(record: ComplianceRecord, history: readonly ComplianceSummary[]): ComplianceView {
  return {
    at: record.at,
    profile: record.profile,
    frameworks: record.frameworks,
    controls: record.controls,
    rules: record.rules.map((r) => ({
      ruleId: r.ruleId,
      title: r.title,
      severity: r.severity,
      controls: r.controls.map((c) => `${c.framework} ${c.id}`),
      pass: r.pass,
      fail: r.fail,
      waived: r.waived,
      notApplicable: r.notApplicable,
      unverified: r.unverified,
    })),
    history: history.map((h) => ({
      at: h.at,
      profile: h.profile,
      percent: Object.fromEntries(h.frameworks.map((f) => [f.framework, f.percentCompliant])),
    })),
  };
}

export function toUnverifiedView(findings: readonly Finding[]): UnverifiedView {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const groups = new Map<string, { findings: number; resources: Set<string>; rules: Set<string> }>();
  let total = 0;
  for (const f of findings) {
    if (f.status !== 'unverified') continue;
    total++;
    bySeverity[f.severity]++;
    for (const hint of f.verify?.collect ?? []) {
      const g = getOrCreate(groups, hint, () => ({
        findings: 0,
        resources: new Set<string>(),
        rules: new Set<string>(),
      }));
      g.findings++;
      g.resources.add(`${f.resourceType}:${f.resourceId}`);
      g.rules.add(f.ruleId);
    }
  }
  return {
    total,
    bySeverity,
    collect: [...groups]
      .map(([hint, g]) => ({ hint, findings: g.findings, resources: g.resources.size, rules: [...g.rules].sort() }))
      .sort((a, b) => b.findings - a.findings || compareText(a.hint, b.hint)),
  };
}

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

const pct = (p: number | null) => (p === null ? '—' : `${p.toFixed(1)}%`);

/** A static table of escaped cells (names are hostile input), sortable and filterable by the page script. */
export function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table class="compliance"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/**
 * The compliance section, rendered here as static, escaped HTML (no client script): percent compliant per
 * framework with its trend, then pass/fail per control and per rule. Empty when no full audit recorded one.
 */
export function complianceBody(view: ComplianceView | undefined): string {
  if (view === undefined)
    return '<p>No full audit has recorded a compliance view yet: run <code>hyperaudit audit</code>.</p>';
  const frameworks = table(
    [
      'framework',
      '% compliant',
      'controls passing',
      'failing',
      'unverified',
      'controls',
      'checks pass',
      'fail',
      'unverified',
      'waived',
      'not applicable',
    ],
    view.frameworks.map((f) => [
      f.name,
      pct(f.percentCompliant),
      f.controlsPassing,
      f.controlsFailing,
      f.controlsUnverified,
      f.controls,
      f.checks.pass,
      f.checks.fail,
      f.checks.unverified,
      f.checks.waived,
      f.checks.notApplicable,
    ]),
  );
  const names = view.frameworks.map((f) => f.framework);
  const history = table(
    ['audit', 'profile', ...names.map(frameworkName)],
    view.history.map((h) => [h.at, h.profile, ...names.map((n) => pct(h.percent[n] ?? null))]),
  );
  const controls = table(
    ['framework', 'control', 'status', 'pass', 'fail', 'unverified', 'waived', 'not applicable', 'rules'],
    view.controls.map((c) => [
      frameworkName(c.framework),
      c.id,
      c.status,
      c.pass,
      c.fail,
      c.unverified,
      c.waived,
      c.notApplicable,
      c.rules.join(' '),
    ]),
  );
  const rules = table(
    ['rule', 'severity', 'pass', 'fail', 'unverified', 'waived', 'not applicable', 'controls'],
    view.rules.map((r) => [
      r.ruleId,
      r.severity,
      r.pass,
      r.fail,
      r.unverified,
      r.waived,
      r.notApplicable,
      r.controls.join(', '),
    ]),
  );
  return `<p>Audit of ${esc(view.at)}, profile ${esc(view.profile)}. Percent compliant = passing checks ÷ (passing + failing + unverified), one check per rule × resource; waived and not applicable are left out.</p>
${frameworks}
<details><summary>Trend over the last ${view.history.length} audits</summary>${history}</details>
<details><summary>Per control (${view.controls.length})</summary>${controls}</details>
<details><summary>Per rule (${view.rules.length})</summary>${rules}</details>`;
}

/** Unverified findings apart from the open ones: how many, and what to collect to verify them. */
export function unverifiedBody(view: UnverifiedView | undefined, unlisted = 0): string | undefined {
  if (view === undefined || view.total === 0) return undefined;
  const counts = SEVERITIES.filter((s) => view.bySeverity[s] > 0)
    .map((s) => `${view.bySeverity[s]} ${s}`)
    .join(', ');
  const rows = view.collect.map((c) => [c.hint, c.findings, c.resources, c.rules.join(' ')]);
  return `<p>${view.total} findings (${esc(counts)}) fail only on a default or value no source reported. They are not counted as open, not sent to Slack and not part of <code>--fail-on</code> unless asked; collecting the data below turns each into a pass or an open finding.</p>${
    unlisted > 0
      ? `\n<p>The findings table lists the first ${esc(String(UNVERIFIED_LISTED_PER_RULE))} of each rule; the other ${unlisted} are in <code>findings.csv</code> and <code>hyperaudit audit --format json</code>.</p>`
      : ''
  }
${table(['collect', 'findings', 'resources', 'rules'], rows)}`;
}
