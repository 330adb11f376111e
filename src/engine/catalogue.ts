import { readFileSync } from 'node:fs';
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

export function loadCatalogue(path = DEFAULT_CATALOGUE): Map<string, ScgControl> {
  const rows = parse(readFileSync(path), {
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
  return out;
}
