import type { S3Client } from '@aws-sdk/client-s3';
import { profileOf } from '../engine/fingerprint';
import { lastSeenOf } from '../engine/lifecycle';
import { SEVERITIES, type Finding } from '../model/finding';
import { emptyFleet } from '../model/fleet';
import { compareText } from '../model/event-order';
import { contentTypeOf, type ArtifactFile } from '../store/artifacts/artifact-store';
import { forEachLimit } from '../store/batch';
import { concatObjects, copyInParts, listObjects, S3_MIN_PART_BYTES, type SourceObject } from '../store/s3-concat';
import type { FleetStore } from '../store/types';
import { riskScale, withFleetNames } from '../report/html/build-report-data';
import { findingsCsvHeader } from '../report/html/report-csv';
import type { ReportData } from '../report/html/report-data';
import type { RunSummary } from '../report/html/report-meta';
import { renderReportHtml } from '../report/html/render-html';
import { ShardReportMerger } from '../report/fleet/merge-shard-reports';
import { shardReport, SHARD_REPORT_LIMITS, type ShardReportLimits } from '../report/fleet/shard-report';
import { readShardReport, reportFragmentKeys, shardCsvRows } from './report-fragments';
import { readStoredViews, recordRunTrend, withSimulationFigures, withStoredViews, type RenderedReport } from './report';

/**
 * The daily run's report of a fleet too large to read whole (docs/report.md, "A million-VM fleet"): assembled from the
 * shards' fragments (report-fragments.ts) and the perimeters' findings the finish step just ran the lifecycle of. It
 * reads no finding and no entity from the table: one report summary per shard (bounded), a listing of the shards' rows
 * and the state items every report reads. findings.csv is the header and the perimeters' rows followed by each shard's
 * rows in the cluster list's order, put together inside S3 (s3-concat.ts).
 */

export interface FleetReportDeps {
  store: FleetStore;
  s3: S3Client;
  bucket: string;
}

export interface FleetReportInput {
  runId: string;
  /** The shards, in the cluster list's order (the order of findings.csv). */
  shards: readonly string[];
  perimeterFindings: readonly Finding[];
  perimeters: number;
  profile: string;
  auditedAt: string;
  now: Date;
  limits?: ShardReportLimits;
}

export interface FleetReportFigures {
  /** Shard summaries read and their bytes; the findings.csv rows, bytes and S3 parts (copied inside S3 or sent). */
  summaries: number;
  summaryBytes: number;
  csvRows: number;
  csvBytes: number;
  csvParts: number;
  csvCopiedParts: number;
  csvSentBytes: number;
  /** S3 requests of the assembly: summaries, listing, multipart (both copies of findings.csv). */
  requests: number;
}

/** Summaries read at once: enough to hide S3 latency; each is merged and dropped as soon as it arrives. */
const READS_IN_FLIGHT = 32;
/** The perimeters' part of the report: a shard of its own, with no host or VM. */
const PERIMETERS_SHARD = '(perimeters)';

/** The page's data, the run's summary and the trend, from the shards' summaries. */
export async function renderFleetReport(
  deps: FleetReportDeps,
  input: FleetReportInput,
): Promise<{
  rendered: RenderedReport;
  perimeterRows: string;
  figures: Pick<FleetReportFigures, 'summaries' | 'summaryBytes' | 'csvRows'>;
}> {
  const limits = input.limits ?? SHARD_REPORT_LIMITS;
  const merger = new ShardReportMerger(limits);
  const views = await readStoredViews(deps.store);
  let summaryBytes = 0;
  await forEachLimit([...input.shards], READS_IN_FLIGHT, async (shard) => {
    const { report, bytes } = await readShardReport(deps.s3, deps.bucket, input.runId, shard);
    summaryBytes += bytes;
    merger.add(report);
  });
  // The perimeters' findings as the shards' are: the run's profile, `lastSeen` as this audit saw them.
  const perimeterFindings = input.perimeterFindings
    .filter((f) => profileOf(f) === input.profile)
    .map((f) => ({ ...f, lastSeen: lastSeenOf(f, input.auditedAt) }));
  merger.add(
    shardReport({
      shard: PERIMETERS_SHARD,
      findings: perimeterFindings,
      fleet: emptyFleet(),
      hostIds: [],
      vmCount: 0,
      generatedAt: input.auditedAt,
      limits,
    }),
  );
  const merged = merger.result();
  const at = input.now.toISOString();
  const { counts } = merged;
  const summary: RunSummary = {
    at,
    hosts: merged.hosts,
    vms: merged.vms,
    open: { ...counts.open },
    unverified: { ...counts.unverified },
    waived: counts.waived,
    resolved: counts.resolved,
  };
  const simulation = views.simulation;
  withSimulationFigures(summary, simulation);
  const trend = await recordRunTrend(deps.store, summary);
  const listedUnverified = merged.findings.filter((f) => f.status === 'unverified').length;
  const data: ReportData = {
    generatedAt: at,
    summary: {
      hosts: merged.hosts,
      vms: merged.vms,
      perimeters: input.perimeters,
      open: counts.open,
      openTotal: SEVERITIES.reduce((n, s) => n + counts.open[s], 0),
      waived: counts.waived,
      resolved: counts.resolved,
      unverified: merged.unverified.total,
      byCategory: Object.fromEntries(Object.entries(counts.byCategory).sort(([a], [b]) => compareText(a, b))),
    },
    findings: merged.findings,
    ...(merged.unverified.total > listedUnverified && {
      unlistedUnverified: merged.unverified.total - listedUnverified,
    }),
    fixFirst: merged.fixFirst,
    heatmap: merged.heatmap,
    riskScale: riskScale(),
    perimeterViolations: merged.perimeterViolations,
    trend: [...trend].sort((a, b) => compareText(a.at, b.at)),
  };
  if (simulation !== undefined) data.simulation = withFleetNames(simulation, (id) => merged.hostNames.get(id));
  withStoredViews(data, views, { excursions: merged.excursions, unverified: merged.unverified });
  data.fleetScale = merged.fleetScale;
  const files: ArtifactFile[] = [
    { name: 'report.html', body: renderReportHtml(data), contentType: contentTypeOf('report.html') },
    { name: 'report.json', body: `${JSON.stringify(data, null, 2)}\n`, contentType: contentTypeOf('report.json') },
  ];
  return {
    rendered: { files, data, summary, warnings: [] },
    perimeterRows: shardCsvRows(perimeterFindings, emptyFleet()),
    figures: { summaries: input.shards.length, summaryBytes, csvRows: merged.fleetScale.findings },
  };
}

/**
 * findings.csv at `key` (and a copy at `latestKey`): the header and the perimeters' rows, then every shard's rows in
 * order. Every shard's rows must be there: a run whose file lacked a cluster would look complete.
 */
export async function assembleFindingsCsv(
  deps: FleetReportDeps,
  input: { runId: string; shards: readonly string[]; perimeterRows: string; key: string; latestKey?: string },
  minPart = S3_MIN_PART_BYTES,
): Promise<Pick<FleetReportFigures, 'csvBytes' | 'csvParts' | 'csvCopiedParts' | 'csvSentBytes' | 'requests'>> {
  const listed = new Map(
    (await listObjects(deps.s3, deps.bucket, reportFragmentKeys.rowsPrefix(input.runId))).map((o) => [o.key, o]),
  );
  const sources: SourceObject[] = input.shards.map((shard) => {
    const key = reportFragmentKeys.rows(input.runId, shard);
    const found = listed.get(key);
    if (found === undefined)
      throw new Error(`audit shard ${JSON.stringify(shard)} wrote no findings.csv rows at ${key}`);
    return found;
  });
  const contentType = contentTypeOf('findings.csv');
  const concat = await concatObjects(deps.s3, deps.bucket, input.key, {
    head: findingsCsvHeader() + input.perimeterRows,
    sources,
    contentType,
    minPart,
  });
  let requests = 1 + concat.requests;
  if (input.latestKey !== undefined)
    requests += await copyInParts(
      deps.s3,
      deps.bucket,
      { key: input.key, size: concat.bytes },
      input.latestKey,
      contentType,
    );
  return {
    csvBytes: concat.bytes,
    csvParts: concat.parts,
    csvCopiedParts: concat.copied,
    csvSentBytes: concat.sentBytes,
    requests,
  };
}
