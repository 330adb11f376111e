import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { byId } from '../model/event-order';

/**
 * The conformance table (rules/catalogue/conformance.json): one row per vSphere 8 SCG ESXi and VM control with the
 * reference checks it was compared with and the rules that implement it, or why none does. test/conformance/
 * drives every row through the audit; `hyperaudit rules coverage` counts it.
 */
export const CONFORMANCE_TABLE = fileURLToPath(new URL('../../rules/catalogue/conformance.json', import.meta.url));

export const ConformanceStatus = z.enum(['implemented', 'partial', 'not-collected', 'not-auditable']);
export type ConformanceStatus = z.infer<typeof ConformanceStatus>;

/** A partial host or VM merged over a VMware host / VM on it to build one test fleet. */
const Patch = z.record(z.string(), z.unknown());
const Cases = z.object({ compliant: z.array(Patch).min(1), nonCompliant: z.array(Patch).min(1) }).strict();

export const ConformanceRow = z
  .object({
    scg: z.string().min(1),
    priority: z.string(),
    title: z.string(),
    stig: z.array(z.string()),
    /** Files under test/conformance/reference/ holding the vendor's checks. */
    references: z.array(z.string()),
    expected: z.object({ scg: z.string(), stig: z.string().optional() }).strict(),
    status: ConformanceStatus,
    /** The STIG side's status when it differs from the SCG side's. */
    stigStatus: ConformanceStatus.optional(),
    rules: z.array(z.string()),
    note: z.string().optional(),
    /** Test fleets per profile; without them the first rule's own fixtures are used for both profiles. */
    cases: z.object({ scg: Cases.optional(), stig: Cases.optional() }).strict().optional(),
  })
  .strict()
  .superRefine((row, ctx) => {
    const needsRule = row.status === 'implemented' || row.status === 'partial';
    if (needsRule !== row.rules.length > 0)
      ctx.addIssue({ code: 'custom', message: `${row.scg}: status ${row.status} with ${row.rules.length} rules` });
    if (row.status !== 'implemented' && row.note === undefined)
      ctx.addIssue({ code: 'custom', message: `${row.scg}: status ${row.status} needs a note saying why` });
  });
export type ConformanceRow = z.infer<typeof ConformanceRow>;

/** A STIG control no SCG control maps to: counted for the STIG only. */
export const StigOnlyRow = z
  .object({
    stig: z.string().min(1),
    title: z.string(),
    references: z.array(z.string()),
    expected: z.string(),
    status: ConformanceStatus,
    rules: z.array(z.string()),
    note: z.string(),
  })
  .strict();

export const ConformanceTable = z
  .object({
    $comment: z.string().optional(),
    references: z.record(
      z.string(),
      z.object({ repo: z.string(), path: z.string(), commit: z.string().regex(/^[0-9a-f]{40}$/) }).strict(),
    ),
    controls: z.array(ConformanceRow),
    stigOnly: z.array(StigOnlyRow),
  })
  .strict();
export type ConformanceTable = z.infer<typeof ConformanceTable>;

export function loadConformanceTable(path = CONFORMANCE_TABLE): ConformanceTable {
  const parsed = ConformanceTable.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${path}: /${issue.path.join('/')} ${issue.message}`);
  }
  return parsed.data;
}

export type CoverageCounts = Record<ConformanceStatus, number> & { total: number };
export interface FrameworkCoverage {
  framework: 'vsphere-8-scg' | 'disa-stig';
  counts: CoverageCounts;
  controls: { id: string; status: ConformanceStatus; rules: string[] }[];
}

/** Best first: a STIG id several SCG rows map to counts as its best-covered row. */
const RANK: readonly ConformanceStatus[] = ['implemented', 'partial', 'not-collected', 'not-auditable'];

function count(statuses: ConformanceStatus[]): CoverageCounts {
  const c: CoverageCounts = {
    implemented: 0,
    partial: 0,
    'not-collected': 0,
    'not-auditable': 0,
    total: statuses.length,
  };
  for (const s of statuses) c[s] += 1;
  return c;
}

/** Per framework: SCG controls by their row's status; STIG ids by the best status of the rows mapping them. */
export function coverage(table: ConformanceTable): FrameworkCoverage[] {
  const scg = table.controls.map((r) => ({ id: r.scg, status: r.status, rules: r.rules }));
  const stig = new Map<string, { id: string; status: ConformanceStatus; rules: string[] }>();
  for (const row of table.controls) {
    const status = row.stigStatus ?? row.status;
    for (const id of row.stig) {
      const seen = stig.get(id);
      if (seen === undefined || RANK.indexOf(status) < RANK.indexOf(seen.status))
        stig.set(id, { id, status, rules: row.rules });
    }
  }
  for (const row of table.stigOnly)
    if (!stig.has(row.stig)) stig.set(row.stig, { id: row.stig, status: row.status, rules: row.rules });
  const stigRows = [...stig.values()].sort(byId);
  return [
    { framework: 'vsphere-8-scg', counts: count(scg.map((r) => r.status)), controls: scg },
    { framework: 'disa-stig', counts: count(stigRows.map((r) => r.status)), controls: stigRows },
  ];
}
