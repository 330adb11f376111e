import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { buildReportData, toCsvFinding, toReportFinding } from '../../src/report/html/build-report-data';
import { findingsCsv, findingsCsvPieces } from '../../src/report/html/report-csv';
import type { ReportFinding } from '../../src/report/html/report-data';
import { FINDINGS, FORMULA_NAME, reportStore } from './report-fixture';

const FORMULA_START = /^[=+\-@\t\r]/;

describe('findingsCsv', () => {
  it('writes a header and one row per finding, with a formula-looking name defused', async () => {
    const store = await reportStore();
    const data = buildReportData({
      generatedAt: '2026-11-02T00:00:00.000Z',
      findings: FINDINGS,
      fleet: await store.loadFleet(),
      trend: [],
    });
    const rows = parse(findingsCsv(data.findings)) as string[][];
    expect(rows).toHaveLength(FINDINGS.length + 1);
    const nameColumn = rows[0]!.indexOf('resourceName');
    const formulaRow = rows.find((r) => r[nameColumn]!.includes('HYPERLINK'))!;
    expect(formulaRow[nameColumn]).toBe(`'${FORMULA_NAME}`);
    const waiverColumn = rows[0]!.indexOf('waiverOwner');
    expect(rows.some((r) => r[waiverColumn] === 'ops@example.com')).toBe(true);
  });

  it("writes the same rows from the CSV's own view of a finding as from the page's (evidence left out)", async () => {
    const fleet = await (await reportStore()).loadFleet();
    const findings = FINDINGS.map((f, i) => (i % 2 === 0 ? { ...f, resolvedAt: '2026-11-03T00:00:00.000Z' } : f));
    const fromPage = findingsCsv(findings.map((f) => toReportFinding(f, fleet)));
    expect([...findingsCsvPieces(findings, (f) => toCsvFinding(f, fleet), 2)].join('')).toBe(fromPage);
    expect(Object.keys(toCsvFinding(findings[0]!, fleet))).not.toContain('evidence');
  });

  it('never lets any cell start a formula, and keeps every row intact, for arbitrary names', () => {
    const base: ReportFinding = {
      fingerprint: 'f',
      ruleId: 'r',
      pack: 'p',
      severity: 'low',
      category: 'hardening',
      status: 'open',
      resourceType: 'vm',
      resourceId: 'v',
      resourceName: 'n',
      title: 't',
      remediation: 'x',
      controls: [],
      evidence: '{}',
      firstSeen: 'a',
      lastSeen: 'b',
    };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })), {
          minLength: 1,
          maxLength: 10,
        }),
        (names) => {
          const findings = names.map(([name, title]) => ({ ...base, resourceName: name, title }));
          const rows = parse(findingsCsv(findings), { relax_quotes: false }) as string[][];
          expect(rows).toHaveLength(findings.length + 1);
          for (const row of rows) for (const cell of row) expect(cell).not.toMatch(FORMULA_START);
        },
      ),
    );
  });
});
