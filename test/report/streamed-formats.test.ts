import { fixedClock } from '../../src/model/ports/clock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import type { AuditResult } from '../../src/engine/audit-result';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { parseWaiverText } from '../../src/engine/waivers';
import type { FleetEvent } from '../../src/model/event';
import { AUDIT_FORMAT_NAMES, AUDIT_FORMAT_PIECES, type AuditFormat } from '../../src/report/formats';
import { toAsff } from '../../src/report/formats/asff';
import { formatCsv } from '../../src/report/formats/csv';
import { chunkPieces } from '../../src/report/formats/json-pieces';
import { toOcsf } from '../../src/report/formats/ocsf';
import { formatSarif } from '../../src/report/formats/sarif';
import { formatTable } from '../../src/report/formats/table';
import { MemoryStore } from '../../src/store/memory-store';
import { auditJsonInOneString } from './audit-json-reference';
import { formatJunitInOneString } from './junit-in-one-string';

const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');
const oneString = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Each format as one string, as it was rendered before the writers were streamed. */
const IN_ONE_STRING: Record<AuditFormat, (r: AuditResult) => string> = {
  table: (r) => formatTable(r),
  json: auditJsonInOneString,
  csv: (r) => formatCsv(r),
  sarif: (r) => formatSarif(r),
  junit: (r) => formatJunitInOneString(r),
  ocsf: (r) => oneString(toOcsf(r)),
  asff: (r) => oneString({ Findings: toAsff(r) }),
};

let result: AuditResult;

beforeAll(async () => {
  const store = new MemoryStore();
  const events = ['perimeters', 'hosts', 'vms', 'history'].flatMap((name) =>
    readFileSync(join(SAMPLES, 'fleet', `${name}.ndjson`), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as FleetEvent),
  );
  await store.putEvents(events);
  const now = '2026-12-03T00:00:00.000Z';
  const waiverFile = join(SAMPLES, 'waivers.json');
  const waivers = parseWaiverText(readFileSync(waiverFile, 'utf8'), waiverFile, { now, maxDays: 3650 });
  result = await runAudit(
    { store, clock: fixedClock(now) },
    { rules: loadRules(DEFAULT_RULES_DIR), waivers, full: true },
  );
}, 300_000);

describe('the streamed audit formats on the sample fleet', () => {
  it('has findings of every current status to render', () => {
    expect(new Set(result.findings.map((f) => f.status))).toEqual(new Set(['open', 'unverified', 'waived']));
    expect(result.findings.length).toBeGreaterThan(1000);
  });

  it.each(AUDIT_FORMAT_NAMES)('writes %s byte for byte as the one-string renderer did', (format) => {
    const pieces = [...AUDIT_FORMAT_PIECES[format](result)];
    expect(pieces.join('')).toBe(IN_ONE_STRING[format](result));
    if (format !== 'table') expect(pieces.length).toBeGreaterThan(1);
  });

  it('writes empty and compliance-less audits as the one-string renderer did', () => {
    const variants: AuditResult[] = [
      { ...result, findings: [] },
      { ...result, compliance: undefined },
      { ...result, stamp: undefined },
    ];
    for (const r of variants)
      for (const format of AUDIT_FORMAT_NAMES)
        expect([...AUDIT_FORMAT_PIECES[format](r)].join(''), format).toBe(IN_ONE_STRING[format](r));
  });
});

describe('Function: chunkPieces', () => {
  it('joins pieces into chunks of at least the given size, the last one shorter, losing nothing', () => {
    const pieces = Array.from({ length: 1000 }, (_, i) => `${i},`);
    const chunks = [...chunkPieces(pieces, 100)];
    expect(chunks.join('')).toBe(pieces.join(''));
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(100);
    expect(chunks.every((c) => c.length < 110)).toBe(true);
    expect([...chunkPieces([], 100)]).toEqual([]);
  });

  it('keeps csv-stringify pieces joinable: every record ends with its delimiter', () => {
    expect(stringify([['a'], ['b']])).toBe(stringify([['a']]) + stringify([['b']]));
  });
});
