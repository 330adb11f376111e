import { describe, expect, it } from 'vitest';
import { auditReportFormats } from '../../src/report/html/audit-formats';
import { emptyFleet } from '../../src/model/fleet';
import type { Finding } from '../../src/model/finding';
import { FINDINGS } from './report-fixture';

describe('Function: auditReportFormats', () => {
  it('hands the artifact store chunks of at least 64 K characters, not one piece per finding (one write each)', () => {
    const findings: Finding[] = Array.from({ length: 3000 }, (_, i) => ({
      ...FINDINGS[0]!,
      fingerprint: `fp-${i}`,
      resourceId: `vm-${i}`,
    }));
    for (const format of auditReportFormats()) {
      const pieces = [...format.render(findings, emptyFleet(), '2026-12-04T00:00:00.000Z', undefined, undefined)];
      expect(pieces.length, format.fileName).toBeGreaterThan(1);
      for (const piece of pieces.slice(0, -1)) expect(piece.length, format.fileName).toBeGreaterThanOrEqual(1 << 16);
    }
  });
});
