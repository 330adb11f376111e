import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { clusterFile, refuseRunFile } from '../model/run-files';
import { SEVERITIES, type Finding } from '../model/finding';
import type { Fleet } from '../model/fleet';
import { compareFindings, toCsvFinding } from '../report/html/build-report-data';
import { findingsCsvRowPieces } from '../report/html/report-csv';
import { shardReport, type ShardReport, type ShardReportInput } from '../report/fleet/shard-report';
import { compareText } from '../model/event-order';
import { getBoundedText, parseJson, putJson, putText } from '../store/s3-json';

/**
 * A shard's report fragment (docs/report.md, "A million-VM fleet"), two run files beside its audit part: its rows of
 * findings.csv (no header) and its report summary (shard-report.ts). The finish step assembles the report from them
 * without reading a finding or the fleet; the summary is read back through a schema, so a file from another version
 * of the code is refused with its key and field rather than half-read.
 */

export const reportFragmentKeys = {
  summary: (runId: string, shard: string) => `runs/${runId}/report/summaries/${clusterFile(shard)}`,
  rowsPrefix: (runId: string) => `runs/${runId}/report/rows/`,
  rows: (runId: string, shard: string) => `runs/${runId}/report/rows/${clusterFile(shard).replace(/\.json$/, '.csv')}`,
};

/** The report's order of rows: the page's, then fingerprint (as `hyperaudit report` writes findings.csv). */
export function inReportOrder(a: Finding, b: Finding): number {
  return compareFindings(a, b) || compareText(a.fingerprint, b.fingerprint);
}

/** The shard's findings.csv rows, in the report's order. */
export function shardCsvRows(findings: readonly Finding[], fleet: Fleet): string {
  return [...findingsCsvRowPieces([...findings].sort(inReportOrder), (f) => toCsvFinding(f, fleet))].join('');
}

export interface FragmentFigures {
  /** Objects written and their bytes: the S3 requests and storage the fragment adds to the run. */
  puts: number;
  bytes: number;
  rows: number;
}

/** What the shard's summary is made of, at the run's audit time, and the run it belongs to. */
export type FragmentInput = Omit<ShardReportInput, 'generatedAt'> & { runId: string; auditedAt: string };

/** Writes the shard's rows and summary (two PutObject). */
export async function writeReportFragment(
  s3: S3Client,
  bucket: string,
  input: FragmentInput,
): Promise<FragmentFigures> {
  const rows = shardCsvRows(input.findings, input.fleet);
  const { runId: _run, auditedAt, ...report } = input;
  const summary = shardReport({ ...report, generatedAt: auditedAt });
  const summaryText = JSON.stringify(summary);
  await Promise.all([
    putText(s3, bucket, reportFragmentKeys.rows(input.runId, input.shard), rows, 'text/csv; charset=utf-8'),
    putJson(s3, bucket, reportFragmentKeys.summary(input.runId, input.shard), summary),
  ]);
  return { puts: 2, bytes: Buffer.byteLength(rows) + Buffer.byteLength(summaryText), rows: input.findings.length };
}

const SeverityEnum = z.enum(SEVERITIES);
const Count = z.number().int().nonnegative();
const Counts = z.object({ critical: Count, high: Count, medium: Count, low: Count, info: Count });
const Text = z.string();
const ResourceTypeEnum = z.enum(['host', 'vm', 'cluster', 'perimeter']);
const Category = z.enum(['perimeter', 'hardening', 'simulation', 'consolidation']);

const ReportFindingSchema = z.object({
  fingerprint: Text,
  ruleId: Text,
  pack: Text,
  severity: SeverityEnum,
  category: Category,
  status: z.enum(['open', 'waived', 'resolved', 'unverified']),
  resourceType: ResourceTypeEnum,
  resourceId: Text,
  resourceName: Text,
  hostId: Text.optional(),
  title: Text,
  remediation: Text,
  rationale: Text.optional(),
  controls: z.array(Text),
  evidence: Text,
  firstSeen: Text,
  lastSeen: Text,
  resolvedAt: Text.optional(),
  waiver: z.object({ reason: Text, owner: Text, expires: Text.optional() }).optional(),
});

const FixGroupSchema = z.object({
  key: Text,
  ruleIds: z.array(Text),
  title: Text,
  severity: SeverityEnum,
  category: Category,
  remediation: Text,
  resources: z.number().int().nonnegative(),
  hosts: z.number().int().nonnegative(),
  findings: z.array(Text),
  leadRuleId: Text,
  total: z.number().int().nonnegative(),
});

const MovementSchema = z.object({
  eventId: Text,
  time: Text,
  kind: Text,
  fromHostId: Text.optional(),
  toHostId: Text.optional(),
  fromDatastore: Text.optional(),
  toDatastore: Text.optional(),
  sourceVmId: Text.optional(),
});

const ShardReportSchema = z.object({
  shard: Text.min(1),
  counts: z.object({
    open: Counts,
    unverified: Counts,
    waived: z.number().int().nonnegative(),
    resolved: z.number().int().nonnegative(),
    byCategory: z.partialRecord(Category, z.number().int().nonnegative()),
  }),
  cluster: z.object({
    shard: Text,
    hosts: z.number().int().nonnegative(),
    vms: z.number().int().nonnegative(),
    open: Counts,
    unverified: z.number().int().nonnegative(),
    waived: z.number().int().nonnegative(),
    risk: z.number().nonnegative(),
    riskiestHost: z.object({ id: Text, name: Text, risk: z.number().nonnegative() }).optional(),
  }),
  unverified: z.object({
    total: z.number().int().nonnegative(),
    bySeverity: Counts,
    collect: z.array(
      z.object({
        hint: Text,
        findings: z.number().int().nonnegative(),
        resources: z.number().int().nonnegative(),
        rules: z.array(Text),
      }),
    ),
  }),
  fixFirst: z.object({ byRule: z.array(FixGroupSchema), byRemediation: z.array(FixGroupSchema) }),
  rows: z.array(ReportFindingSchema),
  heatmap: z.array(
    z.object({
      id: Text,
      name: Text,
      cluster: Text,
      risk: z.number().nonnegative(),
      bucket: z.number().int().nonnegative(),
      open: Counts,
      simulationScore: z.number().optional(),
    }),
  ),
  perimeterViolations: z.array(
    z.object({
      fingerprint: Text,
      severity: SeverityEnum,
      title: Text,
      resourceType: ResourceTypeEnum,
      vmId: Text,
      vmName: Text,
      perimeter: Text,
      perimeterSource: Text,
      hostId: Text,
      movements: z.array(MovementSchema),
    }),
  ),
  excursions: z.array(
    z.object({
      vmId: Text,
      vmName: Text,
      home: z.array(Text),
      open: z.boolean(),
      legs: z.array(
        z.object({ eventId: Text, time: Text, fromHostId: Text, toHostId: Text, toPerimeters: z.array(Text) }),
      ),
    }),
  ),
  csvRows: z.number().int().nonnegative(),
});

/**
 * The largest report summary read: a shard's lists are bounded (SHARD_REPORT_LIMITS) to a few MB; anything near this
 * is damaged or planted, and refused before it is read whole (32 are read at once).
 */
export const SHARD_REPORT_MAX_BYTES = 64 * 1024 * 1024;

/** Reads a shard's report summary (and its size); a file that is not one is refused with its key and field. */
export async function readShardReport(
  s3: S3Client,
  bucket: string,
  runId: string,
  shard: string,
  maxBytes = SHARD_REPORT_MAX_BYTES,
): Promise<{ report: ShardReport; bytes: number }> {
  const key = reportFragmentKeys.summary(runId, shard);
  const text = await getBoundedText(s3, bucket, key, { kind: 'report summary', maxBytes }).catch((e: unknown) => {
    throw new Error(`audit shard ${JSON.stringify(shard)}: report summary ${key} not read: ${(e as Error).message}`);
  });
  const report = parseShardReport(parseJson(text, bucket, key), key);
  if (report.shard !== shard) throw new Error(`${key} holds shard ${report.shard}, not ${shard}`);
  return { report, bytes: Buffer.byteLength(text) };
}

/** A shard's report summary checked at the edge: its schema, and every finding a group names among its rows. */
export function parseShardReport(value: unknown, key: string): ShardReport {
  const parsed = ShardReportSchema.safeParse(value);
  if (!parsed.success) refuseRunFile(key, parsed.error);
  const report = parsed.data as ShardReport;
  const rows = new Set(report.rows.map((r) => r.fingerprint));
  for (const g of [...report.fixFirst.byRule, ...report.fixFirst.byRemediation])
    for (const fp of g.findings) if (!rows.has(fp)) throw new Error(`${key}: group ${g.key} names ${fp}, not in rows`);
  return report;
}
