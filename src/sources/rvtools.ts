/**
 * RVTools exports as bulk inventory. Each VM's rows in vInfo, vCPU, vMemory, vDisk and vNetwork are joined into
 * one vm.upsert (rvtools-vms.ts); each vHost row gives a host.upsert (rvtools-hosts.ts). Ids: VM ID (MoRef, lines
 * up with vCenter events), else VM UUID, else the VM name. Event ids hash content and the export time, so
 * re-ingesting an export counts as duplicates while a later export with other values is new.
 */
import { rejected, type Outcomes } from './outcome';
import { rvtoolsExport, sheetOf } from './rvtools-export';
import { hostUpserts } from './rvtools-hosts';
import { wholeInventories } from './rvtools-inventory';
import type { Sheet } from './rvtools-sheets';
import { vmKeyOf } from './rvtools-vm-key';
import { vmUpserts } from './rvtools-vms';
import { rfc3339AssumingUtc } from './time';

export interface RvtoolsInput {
  file: string;
  sheets: Sheet[];
  /** Export time: vMetaData's `xlsx creation datetime`, workbook created date, or the caller's snapshot time. */
  fallbackTime?: string;
  /** A whole export (a workbook): its vInfo and vHost list every VM and host of their vCenter. */
  whole?: boolean;
}

export function exportTime(sheets: Sheet[], fallback: string | undefined): string | undefined {
  const meta = sheetOf(sheets, 'vMetaData')?.rows[0];
  const fromMeta = meta ? rfc3339AssumingUtc(meta.cells.get('xlsx creation datetime') ?? null) : undefined;
  return fromMeta ?? fallback;
}

export function normaliseRvtools(input: RvtoolsInput): Outcomes {
  const { file, sheets } = input;
  const time = exportTime(sheets, input.fallbackTime);
  if (!time) {
    return [
      rejected(
        'rvtools',
        { file },
        'no export time: the export has no vMetaData sheet and no creation date',
        'vMetaData',
      ),
    ];
  }
  const x = rvtoolsExport(file, time, sheets);
  const out: Outcomes = [];
  // Hosts first: VMs refer to hosts by name, and an export with Object IDs lets us use the MoRef instead.
  const hostIdByName = hostUpserts(x, out);
  const vmKey = vmKeyOf(sheets);
  vmUpserts(x, hostIdByName, vmKey, out);
  if (input.whole) out.push(...wholeInventories(x, vmKey));
  return out;
}
