import type { Finding } from '../model/finding';
import type { Fleet } from '../model/fleet';

/** An extra file beside the HTML, e.g. the audit's SARIF or JUnit rendering of the same findings. */
export interface ReportFormat {
  fileName: string;
  render(findings: readonly Finding[], fleet: Fleet, generatedAt: string): string;
}
