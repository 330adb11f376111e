import type { ReportExcursion } from './excursions-section';
import type { Movement } from '../../model/entity-state';
import type { FindingCategory, FindingStatus, ResourceType, Severity } from '../../model/finding';
import type { RunSummary } from './report-meta';
import type { SimulationView } from './simulation-view';
import type { PlanView } from './plan-view';
import type { ComplianceView, UnverifiedView } from './compliance-view';

/** A finding as the page shows it: flat strings, evidence pre-serialised and bounded. */
export interface ReportFinding {
  fingerprint: string;
  ruleId: string;
  pack: string;
  severity: Severity;
  category: FindingCategory;
  status: FindingStatus;
  resourceType: ResourceType;
  resourceId: string;
  resourceName: string;
  hostId?: string;
  title: string;
  remediation: string;
  rationale?: string;
  controls: string[];
  evidence: string;
  firstSeen: string;
  lastSeen: string;
  resolvedAt?: string;
  waiver?: { reason: string; owner: string; expires?: string };
}

/** One fix that reaches several findings: all findings of one rule, or all sharing one remediation text. */
export interface FixGroup {
  /** The rule id, or the normalised remediation text. */
  key: string;
  ruleIds: string[];
  title: string;
  /** The most severe finding's. */
  severity: Severity;
  category: FindingCategory;
  remediation: string;
  /** Distinct resources the fix reaches (the group's breadth). */
  resources: number;
  /** Distinct hosts those resources are, or run on. */
  hosts: number;
  /** Fingerprints of the group's findings, most severe first; the page shows each with its own status. */
  findings: string[];
}

export interface HeatmapHost {
  id: string;
  name: string;
  cluster: string;
  /** Weighted open findings on the host and its VMs (critical 10, high 5, medium 2, low 1). */
  risk: number;
  /** 0–4 colour bucket of `risk`. */
  bucket: number;
  open: Record<Severity, number>;
  simulationScore?: number;
}

export interface PerimeterViolation {
  fingerprint: string;
  severity: Severity;
  title: string;
  /** Most perimeter rules are about a VM; trust-level mixing is reported on the host. */
  resourceType: ResourceType;
  vmId: string;
  vmName: string;
  perimeter: string;
  perimeterSource: string;
  hostId: string;
  movements: Movement[];
}

/** A cluster's line on a fleet-scale page: its size, open findings and its riskiest host. */
export interface ClusterLine {
  shard: string;
  hosts: number;
  vms: number;
  open: Record<Severity, number>;
  unverified: number;
  waived: number;
  /** Summed risk of the shard's hosts (the per-host risk above). */
  risk: number;
  riskiestHost?: { id: string; name: string; risk: number };
}

/**
 * What the page of a fleet-scale report adds (docs/report.md, "A million-VM fleet"): every cluster's line, and how
 * much of the fleet the page lists; findings.csv holds every finding.
 */
export interface FleetScaleView {
  clusters: ClusterLine[];
  /** Rows in findings.csv, and findings the page lists (those its fix-first groups and violations name). */
  findings: number;
  listed: number;
  /** Resources listed per fix-first group, and host tiles shown (the riskiest hosts). */
  perGroup: number;
  hostTiles: number;
}

/** Everything the page renders, embedded as JSON. */
export interface ReportData {
  generatedAt: string;
  summary: {
    hosts: number;
    vms: number;
    perimeters: number;
    open: Record<Severity, number>;
    openTotal: number;
    waived: number;
    resolved: number;
    /** Findings that fail only on defaults or unreported values: neither open nor resolved. */
    unverified: number;
    byCategory: Record<string, number>;
  };
  findings: ReportFinding[];
  /**
   * Unverified findings counted in the summary but not in `findings` (beyond the first few of each rule); every
   * finding is in findings.csv. Absent when all are listed.
   */
  unlistedUnverified?: number;
  /** The fix-first view, ranked by severity, breadth and category. */
  fixFirst: { byRule: FixGroup[]; byRemediation: FixGroup[] };
  heatmap: HeatmapHost[];
  /** How a host's risk is computed, so the page can explain the number next to it. */
  riskScale: { weights: Record<Severity, number>; buckets: number[] };
  perimeterViolations: PerimeterViolation[];
  simulation?: SimulationView;
  /** The latest stored plan (`hyperaudit plan`), when there is one. */
  plan?: PlanView;
  trend: RunSummary[];
  /** Perimeter excursions with a leg in the report's window (excursions-section.ts). */
  excursions?: ReportExcursion[];
  /** The audit shown: time, profile, rule pack, newest event (issue 15 item 8); absent when none was stored. */
  audit?: { auditedAt: string; profile: string; rulePackVersion: string; newestEventAt?: string };
  /** The latest full audit's compliance view (compliance-view.ts); absent before one was recorded. */
  compliance?: ComplianceView;
  unverified?: UnverifiedView;
  /** Present only on the daily run's report of a fleet too large to list (assembled from the shards' summaries). */
  fleetScale?: FleetScaleView;
}
