/**
 * Every finding row in report.html carries `id="f-<fingerprint>"`. The fingerprint is stable across runs
 * (rule, resource type, resource id), so a link made today still lands on the same finding in tomorrow's report.
 */
export function findingAnchorId(fingerprint: string): string {
  return `f-${fingerprint}`;
}

/** The report's URL pointing at one finding; an existing fragment on `reportUrl` is replaced. */
export function findingUrl(reportUrl: string, fingerprint: string): string {
  const base = reportUrl.split('#', 1)[0] ?? reportUrl;
  return `${base}#${encodeURIComponent(findingAnchorId(fingerprint))}`;
}
