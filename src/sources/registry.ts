import { stat } from 'node:fs/promises';
import { looksCanonical, normaliseCanonical } from './canonical';
import { eventBridgeEnvelope } from './eventbridge';
import { looksGovc, normaliseGovcDocument } from './govc';
import { looksHyperv, normaliseHypervDocument } from './hyperv';
import { formatBytes } from './input-limits';
import { isRecord, own } from './json-access';
import { looksLibvirtLine, normaliseLibvirtLine } from './libvirt';
import { looksNova, normaliseNova } from './nova';
import { rejected } from './outcome';
import { looksPowercli, normalisePowercliDocument } from './powercli';
import { looksPowercliCsvHeader, readPowercliCsv } from './powercli-csv';
import { looksProxmox, normaliseProxmox } from './proxmox';
import { readRvtoolsCsv, readRvtoolsXlsx } from './rvtools-read';
import type { SourceDef } from './source-def';
import type { SourceName } from './types';
import { looksVcenterBody, normaliseVcenter } from './vcenter';
import { isCloudEvent } from './vcenter-envelope';

const records = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/**
 * Every source, in detection order (envelope recognisers first, then body recognisers, each in this order). A new source is its normaliser file in this folder, one entry here and its
 * fixtures in test/fixtures/sources/ (docs/architecture.md).
 */
export const SOURCES: readonly SourceDef[] = [
  {
    name: 'canonical',
    recognise: { envelope: looksCanonical },
    json: { normalise: (value, loc) => normaliseCanonical(value, loc) },
  },
  {
    name: 'nova',
    recognise: { envelope: looksNova },
    json: { normalise: (value, loc, opts) => normaliseNova(value, loc, opts.scope) },
  },
  {
    name: 'proxmox',
    recognise: { body: looksProxmox },
    json: { normalise: normaliseProxmox },
    referenceTableKey: 'GET /cluster/resources',
  },
  {
    name: 'vcenter',
    recognise: { envelope: isCloudEvent, body: looksVcenterBody },
    json: { normalise: normaliseVcenter, readsEventBridgeEnvelope: true },
  },
  {
    name: 'powercli',
    recognise: { body: looksPowercli },
    json: {
      normalise: (value, loc, opts) => normalisePowercliDocument(records(value), loc, opts),
      wholeDocument: true,
    },
    files: [
      {
        extensions: ['.csv'],
        kind: 'CSV file',
        sniff: looksPowercliCsvHeader,
        async read(file, ctx) {
          const { size } = await stat(file);
          if (size > ctx.limits.maxDocumentBytes)
            return [
              rejected(
                'powercli',
                { file },
                `a PowerCLI CSV export larger than ${formatBytes(ctx.limits.maxDocumentBytes)} is not read; split it per host`,
                'file',
              ),
            ];
          return readPowercliCsv(file, { snapshotTime: ctx.snapshotTime, scope: ctx.scope });
        },
      },
    ],
  },
  {
    name: 'govc',
    recognise: { body: looksGovc },
    json: { normalise: (value, loc, opts) => normaliseGovcDocument(records(value), loc, opts), wholeDocument: true },
  },
  {
    name: 'hyperv',
    recognise: { body: looksHyperv },
    json: { normalise: normaliseHypervDocument, wholeDocument: true },
  },
  {
    name: 'rvtools',
    notJson: 'RVTools exports are xlsx or csv files, not JSON records',
    referenceTableKey: 'sheets',
    files: [
      {
        extensions: ['.xlsx', '.xlsm'],
        kind: 'workbook',
        readsAnyExtensionWhenForced: true,
        read: (file, ctx) => readRvtoolsXlsx(file, ctx.limits),
      },
      {
        extensions: ['.csv'],
        kind: 'CSV file',
        read: (file, ctx) => readRvtoolsCsv(file, ctx.snapshotTime, ctx.limits),
      },
    ],
  },
  {
    name: 'libvirt',
    notJson: 'libvirt events are `virsh event` text lines, not JSON records',
    referenceTableKey: 'virsh_event_line_format',
    lines: { looksLike: looksLibvirtLine, normalise: normaliseLibvirtLine },
  },
];

const BY_NAME = new Map(SOURCES.map((def) => [def.name, def]));

export function sourceDef(name: SourceName): SourceDef {
  const def = BY_NAME.get(name);
  if (!def) throw new Error(`no source named ${name} is registered`);
  return def;
}

/**
 * Which source understands a parsed JSON value, or undefined. Envelopes that name their format are recognised
 * before bare vendor shapes; an EventBridge event is recognised by its detail (vCenter's normaliser reads the
 * envelope itself, for the vCenter's identity and the event's time).
 */
export function detectSource(value: unknown): SourceName | undefined {
  if (!isRecord(value)) return undefined;
  const byEnvelope = SOURCES.find((def) => def.recognise?.envelope?.(value));
  if (byEnvelope) return byEnvelope.name;
  const eventBridge = eventBridgeEnvelope(value);
  if (eventBridge) return detectSource(eventBridge.detail);
  const byBody = SOURCES.find((def) => def.recognise?.body?.(value));
  return byBody?.name ?? referenceTableSource(value);
}

/** A whole parsed document is read whole when its first record is of a `wholeDocument` source. */
export function detectDocumentSource(value: unknown): SourceName | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (!isRecord(first)) return undefined;
  return SOURCES.find((def) => def.json?.wholeDocument && def.recognise?.body?.(first))?.name;
}

/**
 * The `*.DERIVED.json` files describe formats (enum tables, column lists); they are recognised so they can be
 * counted as ignored rather than rejected as garbage.
 */
export function referenceTableSource(value: unknown): SourceName | undefined {
  if (!isRecord(value) || typeof own(value, '_derived') !== 'string') return undefined;
  return SOURCES.find((def) => def.referenceTableKey !== undefined && own(value, def.referenceTableKey) !== undefined)
    ?.name;
}
