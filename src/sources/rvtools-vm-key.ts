import { text } from './rvtools-cells';
import type { Sheet, SheetRow } from './rvtools-sheets';

/**
 * The id a row's VM is known by: its MoRef (`VM ID`, lines up with vCenter events), else its UUID, else its name.
 * Any tab that pairs a VM's name or UUID with its MoRef lets rows elsewhere that lack the MoRef (older exports,
 * truncated rows) join the same VM.
 */
export function vmKeyOf(sheets: readonly Sheet[]): (row: SheetRow) => string | undefined {
  const idByUuid = new Map<string, string>();
  const idByName = new Map<string, string>();
  for (const sheet of sheets) {
    for (const row of sheet.rows) {
      const moref = text(row, 'VM ID');
      if (!moref) continue;
      const name = text(row, 'VM');
      const uuid = text(row, 'VM UUID');
      if (name && !idByName.has(name)) idByName.set(name, moref);
      if (uuid && !idByUuid.has(uuid)) idByUuid.set(uuid, moref);
    }
  }
  return (row) => {
    const moref = text(row, 'VM ID');
    if (moref) return moref;
    const uuid = text(row, 'VM UUID');
    if (uuid) return idByUuid.get(uuid) ?? uuid;
    const name = text(row, 'VM');
    return name ? (idByName.get(name) ?? name) : undefined;
  };
}
