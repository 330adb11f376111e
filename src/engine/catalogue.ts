import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/** One row of VMware's vSphere 8 Security Configuration Guide catalogue (rules/catalogue/). */
export interface ScgControl {
  id: string;
  title: string;
  priority: string;
  parameter: string;
  installationDefault: string;
  suggested: string;
  /** DISA STIG ids mapped to the control (ESXI-80-…, VMCH-80-…); empty when VMware maps none. */
  stigIds: string[];
  stigRequirement: string;
}

export const DEFAULT_CATALOGUE = fileURLToPath(
  new URL('../../rules/catalogue/vsphere-8-scg-controls.csv', import.meta.url),
);

/**
 * Parsing the 160 KB catalogue CSV costs a CLI run about 0.13 s, so `npm run build` writes its rows as JSON beside
 * this module (dist/engine/), tagged with the digest of the CSV they came from. A catalogue whose bytes have that
 * digest (the shipped one, or an identical copy in a custom rules directory) is read from the JSON; any other
 * CSV, or no prebuilt file (a source checkout, a Lambda bundle), is parsed.
 */
export const PREBUILT_CATALOGUE_FILE = 'scg-catalogue.prebuilt.json';

const csvDigest = (csv: Buffer): string => createHash('sha256').update(csv).digest('hex');

export function loadCatalogue(path = DEFAULT_CATALOGUE): Map<string, ScgControl> {
  const csv = readFileSync(path);
  const prebuilt = readPrebuiltCatalogue(fileURLToPath(new URL(`./${PREBUILT_CATALOGUE_FILE}`, import.meta.url)), csv);
  return new Map((prebuilt ?? parseCatalogueCsv(csv)).map((c) => [c.id, c]));
}

/** The JSON the build writes for the catalogue `csv`: its digest and its controls as `parseCatalogueCsv` reads them. */
export function prebuiltCatalogueJson(csv: Buffer): string {
  return JSON.stringify({ csvSha256: csvDigest(csv), controls: parseCatalogueCsv(csv) });
}

/** The controls in the prebuilt `file` when it was made from these very `csv` bytes; undefined otherwise. */
export function readPrebuiltCatalogue(file: string, csv: Buffer): ScgControl[] | undefined {
  if (!existsSync(file)) return undefined;
  const prebuilt = JSON.parse(readFileSync(file, 'utf8')) as { csvSha256?: unknown; controls?: ScgControl[] };
  return prebuilt.csvSha256 === csvDigest(csv) ? prebuilt.controls : undefined;
}

/** The catalogue's controls in file order, one per row with an SCG ID (a later row with the same id wins). */
export function parseCatalogueCsv(csv: Buffer): ScgControl[] {
  const rows = parse(csv, {
    bom: true,
    columns: true,
    relax_column_count: true,
    skip_empty_lines: true,
  }) as Record<string, string>[];
  const out = new Map<string, ScgControl>();
  for (const r of rows) {
    const id = r['SCG ID']?.trim();
    if (!id) continue;
    const stig = (r['DISA STIG Mapping'] ?? '').trim();
    out.set(id, {
      id,
      title: (r['Description/Title'] ?? '').trim(),
      priority: (r['Implementation Priority'] ?? '').trim(),
      parameter: (r['Configuration Parameter'] ?? '').trim(),
      installationDefault: (r['Installation Default Value'] ?? '').trim(),
      suggested: (r['Baseline Suggested Value'] ?? '').trim(),
      stigIds: stig === '' || stig === 'N/A' ? [] : stig.split(/\s+/),
      stigRequirement: (r['DISA STIG Requirement'] ?? '').trim(),
    });
  }
  return [...out.values()];
}
