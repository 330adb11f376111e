import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface PageAssets {
  chartJs: string;
  clientJs: string;
  css: string;
}

let cached: PageAssets | undefined;

/**
 * Chart.js's UMD build and the page's own script and stylesheet, read once and inlined into every report
 * so the page needs no network. chart.js does not export its UMD file, so it is found next to its main entry.
 */
export function loadPageAssets(): PageAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const chartDir = dirname(require.resolve('chart.js'));
  const assetDir = new URL('./assets/', import.meta.url);
  cached = {
    chartJs: readFileSync(join(chartDir, 'chart.umd.js'), 'utf8'),
    clientJs: readFileSync(new URL('report-client.js', assetDir), 'utf8'),
    css: readFileSync(new URL('report.css', assetDir), 'utf8'),
  };
  return cached;
}
