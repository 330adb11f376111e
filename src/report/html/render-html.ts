import { createHash } from 'node:crypto';
import type { ReportData } from './report-data';
import { loadPageAssets, type PageAssets } from './page-assets';
import { renderComplianceSection, renderUnverifiedSection } from './compliance-view';

/**
 * JSON that can sit inside a <script> element: no `<` (so no `</script>` or `<!--`), `>` and `&` escaped
 * too, and the line separators some parsers mishandle. All are legal \u escapes inside JSON strings.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/** Inline code must not be able to end its own element early. */
function assertInlineable(name: string, source: string): void {
  if (/<\/(script|style)/i.test(source) || source.includes('<!--'))
    throw new Error(`${name} cannot be inlined: it contains a closing tag or comment opener`);
}

/**
 * The self-contained report page. Data travels only as JSON in a non-executable script element and is
 * rendered by the page script through textContent; the CSP allows exactly the two inline scripts and the
 * stylesheet by hash, so even markup that slipped through could not run or load anything.
 */
export function renderReportHtml(data: ReportData, assets: PageAssets = loadPageAssets()): string {
  assertInlineable('chart.js', assets.chartJs);
  assertInlineable('report script', assets.clientJs);
  assertInlineable('report stylesheet', assets.css);
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(assets.chartJs)} ${cspHash(assets.clientJs)}`,
    `style-src ${cspHash(assets.css)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>hyperaudit report</title>
<style>${assets.css}</style>
</head>
<body>
<header class="top"><h1>hyperaudit report</h1><p id="generated"></p></header>
<main>
<section id="summary"><h2>Summary</h2><div class="cards" id="summary-cards"></div><div class="charts" id="overview-charts"></div></section>
${renderUnverifiedSection(data.unverified)}
${renderComplianceSection(data.compliance)}
<section><h2>Per-host risk</h2><div class="legend"><span class="risk-0">none</span><span class="risk-1">low</span><span class="risk-2">moderate</span><span class="risk-3">high</span><span class="risk-4">severe</span></div><div id="heatmap"></div></section>
<section><h2>Perimeter violations</h2><div id="perimeter"></div></section>
<section><h2>Consolidation and simulation</h2><div id="simulation"></div></section>
<section><h2>Trend across runs</h2><div id="trend"></div></section>
<section id="findings"><h2>Findings</h2>
<div class="filters">
<label for="filter-severity">Minimum severity</label><select id="filter-severity"><option value="">any</option></select>
<label for="filter-category">Category</label><select id="filter-category"><option value="">any</option></select>
<label for="filter-status">Status</label><select id="filter-status"><option value="">any</option></select>
<label for="search">Search</label><input type="search" id="search" placeholder="rule, VM, host, text">
<span class="count" id="visible-count"></span>
</div></section>
<section><h2>Waived findings</h2><div id="waived"></div></section>
</main>
<script type="application/json" id="report-data">${scriptSafeJson(data)}</script>
<script>${assets.chartJs}</script>
<script>${assets.clientJs}</script>
</body>
</html>
`;
}
