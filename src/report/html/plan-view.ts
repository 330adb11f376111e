/**
 * The report's "Planned fixes" section: the latest stored plan (`plan/latest`, written by `hyperaudit plan`
 * or the workflow's plan step) as static, escaped HTML. The stored item's shape is checked where it is read
 * (`STATE.planLatest`, src/store/state-keys.ts: lists bounded, strings short); this picks what the page shows
 * and escapes every string. No stored plan renders nothing.
 */
import { z } from 'zod';

const MAX_ROWS = 200;
const text = z.string().max(4096);

const PlanViewSchema = z.object({
  goal: z.enum(['fix', 'balance', 'energy']),
  generatedAt: text,
  steps: z
    .array(
      z.object({
        step: z.number().int(),
        vmName: text,
        fromHostId: text,
        toHostId: text,
        reason: text,
        command: text,
      }),
    )
    .max(10_000),
  maintenance: z.array(z.object({ hostId: text, afterStep: z.number().int(), command: text })).max(10_000),
  unresolved: z.array(z.object({ kind: text, subject: text, detail: text, reason: text })).max(10_000),
  verification: z.object({
    findingsBefore: z.number(),
    findingsAfter: z.number(),
    cleared: z.array(z.object({ ruleId: text, resourceId: text, severity: text })).max(10_000),
    added: z.array(z.object({ ruleId: text, resourceId: text, severity: text })).max(10_000),
    simulation: z.object({
      before: z.record(z.string(), z.number()),
      after: z.record(z.string(), z.number()),
    }),
  }),
});

export type PlanView = z.infer<typeof PlanViewSchema>;

export function toPlanView(raw: unknown): PlanView | undefined {
  const parsed = PlanViewSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

const escapeHtml = (s: string | number) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const FIGURES: [string, string][] = [
  ['energyKWh', 'Energy (kWh over the window)'],
  ['overloadedTimeFraction', 'Overloaded host-time'],
  ['hostScoreMax', 'Highest host risk score'],
  ['vmDowntimeHoursPerYearMean', 'VM downtime h/year (mean)'],
  ['pCannotRestartMax', 'P(cannot restart), worst cluster'],
  ['antiAffinityViolations', 'Anti-affinity violations'],
  ['clustersWithoutFailover', 'Clusters without failover'],
];

function table(head: string[], rows: (string | number)[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

/** The section's HTML; empty when no plan is stored. */
/** The section's inner markup; every value from the plan is escaped here. */
export function planBody(view: PlanView): string {
  const v = view.verification;
  const parts = [
    `<p>Plan made ${escapeHtml(view.generatedAt)} (goal ${escapeHtml(view.goal)}): ${view.steps.length} migration(s), ${view.maintenance.length} host(s) to maintenance. The audit of the planned fleet clears ${v.cleared.length} finding(s) and adds ${v.added.length} (${v.findingsBefore} → ${v.findingsAfter}).</p>`,
  ];
  if (view.steps.length > 0)
    parts.push(
      table(
        ['#', 'VM', 'from', 'to', 'why', 'command'],
        view.steps.slice(0, MAX_ROWS).map((s) => [s.step, s.vmName, s.fromHostId, s.toHostId, s.reason, s.command]),
      ),
    );
  if (view.maintenance.length > 0)
    parts.push(
      table(
        ['after step', 'host to maintenance', 'command'],
        view.maintenance.slice(0, MAX_ROWS).map((m) => [m.afterStep, m.hostId, m.command]),
      ),
    );
  if (v.added.length > 0)
    parts.push(
      `<p>Added by the plan:</p>${table(
        ['rule', 'resource', 'severity'],
        v.added.slice(0, MAX_ROWS).map((f) => [f.ruleId, f.resourceId, f.severity]),
      )}`,
    );
  if (view.unresolved.length > 0)
    parts.push(
      `<p>Not cleared by any move:</p>${table(
        ['kind', 'subject', 'what', 'why'],
        view.unresolved.slice(0, MAX_ROWS).map((u) => [u.kind, u.subject, u.detail, u.reason]),
      )}`,
    );
  parts.push(
    table(
      ['simulation', 'before', 'after'],
      FIGURES.filter(([k]) => v.simulation.before[k] !== undefined).map(([k, label]) => [
        label,
        v.simulation.before[k]!,
        v.simulation.after[k] ?? '',
      ]),
    ),
  );
  return parts.join('\n');
}
