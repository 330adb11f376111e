import type { Movement } from '../../model/entity-state';
import type { FindingCategory, FindingStatus, ResourceType, Severity } from '../../model/finding';
import type { RunSummary } from './report-meta';
import type { SimulationView } from './simulation-view';
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
    byCategory: Record<string, number>;
  };
  findings: ReportFinding[];
  heatmap: HeatmapHost[];
  perimeterViolations: PerimeterViolation[];
  simulation?: SimulationView;
  trend: RunSummary[];
  /** The latest full audit's compliance view (compliance-view.ts); absent before one was recorded. */
  compliance?: ComplianceView;
  unverified?: UnverifiedView;
}
