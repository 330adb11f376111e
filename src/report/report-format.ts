import type { Finding } from '../model/finding';
import type { Fleet } from '../model/fleet';
import type { ComplianceRecord } from '../engine/compliance';
import type { AuditStamp } from '../engine/audit-result';

/** An extra file beside the HTML, e.g. the audit's SARIF or JUnit rendering of the same findings. */
export interface ReportFormat {
  fileName: string;
  /**
   * `compliance`: the latest full audit's record, when stored (JUnit's test cases come from it); `audit`: the
   * stamp of the audit shown, which SARIF and JUnit carry. The text, or its pieces in order (iterable more than
   * once: the report is written to its folder and again to `latest`), so a file of hundreds of thousands of
   * findings is written as it is produced and never held as one string.
   */
  render(
    findings: readonly Finding[],
    fleet: Fleet,
    generatedAt: string,
    compliance?: ComplianceRecord,
    audit?: AuditStamp,
  ): string | Iterable<string>;
}
