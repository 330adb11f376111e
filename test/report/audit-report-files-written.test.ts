import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_REPORT_FILES, auditReportFormats } from '../../src/report/html/audit-formats';
import { emptyFleet } from '../../src/model/fleet';
import type { Finding } from '../../src/model/finding';
import { contentTypeOf } from '../../src/store/artifacts/artifact-store';
import { folderArtifactStore } from '../../src/store/artifacts/folder-artifact-store';
import { FINDINGS } from './report-fixture';

describe('Function: auditReportFormats', () => {
  it("hands the artifact store the formatters' pieces unjoined, and the folder store writes them as their joined text", async () => {
    const findings: Finding[] = Array.from({ length: 3000 }, (_, i) => ({
      ...FINDINGS[0]!,
      fingerprint: `fp-${i}`,
      resourceId: `vm-${i}`,
      resourceName: `vm-${i} é 日本 😀`,
    }));
    const dir = mkdtempSync(join(tmpdir(), 'audit-formats-'));
    for (const format of auditReportFormats()) {
      const body = format.render(findings, emptyFleet(), '2026-12-04T00:00:00.000Z', undefined, undefined);
      const pieces = [...body];
      // One piece per finding (SARIF, OCSF, ASFF) or per thousand cases (JUnit), never 64 K strings joined first
      // (joined, the per-finding formats gave 58 to 72 pieces here).
      if (format.fileName === AUDIT_REPORT_FILES.junit) expect(pieces.length, format.fileName).toBeGreaterThan(3);
      else expect(pieces.length, format.fileName).toBeGreaterThanOrEqual(findings.length);
      await folderArtifactStore().put(dir, [
        { name: format.fileName, body, contentType: contentTypeOf(format.fileName) },
      ]);
      expect(readFileSync(join(dir, format.fileName), 'utf8'), format.fileName).toBe(pieces.join(''));
    }
  });
});
