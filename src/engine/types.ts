import type { ControlRef, FindingCategory, ResourceType, Severity, Unverified } from '../model/finding';
export type { Unverified };

export type Scalar = string | number | boolean | null;
/** What a fact yields. Never `undefined`: a value the source did not report is `null`. */
export type FactValue = Scalar | readonly FactValue[] | { readonly [key: string]: FactValue };

export type Profile = 'scg' | 'stig';
export const PROFILES: readonly Profile[] = ['scg', 'stig'];

/** A leaf condition as json-rules-engine reads it (after profile parameters are substituted). */
export interface FactCondition {
  fact: string;
  operator: string;
  value: Scalar | readonly Scalar[];
  params?: Record<string, Scalar>;
  path?: string;
  priority?: number;
}
export type Condition =
  | FactCondition
  | { all: Condition[]; priority?: number }
  | { any: Condition[]; priority?: number }
  | { not: Condition; priority?: number };

/** A resource set a fixture builds: a tiny fleet plus the subject the rule is checked on. */
export interface RuleFixture {
  hosts?: Record<string, unknown>[];
  vms?: Record<string, unknown>[];
  perimeters?: Record<string, unknown>[];
  simulation?: Record<string, unknown>;
  /** The audit time the fixture is evaluated at (ISO 8601); age facts are unknown without it. */
  auditedAt?: string;
  subject: string;
}

/** A rule file exactly as written (validated against rules/rule.schema.json). */
export interface RuleFile {
  id: string;
  title: string;
  severity: Severity;
  category: FindingCategory;
  resourceType: ResourceType;
  description?: string;
  params?: Record<string, Scalar | Scalar[]>;
  profiles?: Partial<Record<Profile, Record<string, Scalar | Scalar[]>>>;
  appliesTo?: Record<string, Scalar[]>;
  conditions: unknown;
  evidence?: { fact: string; params?: Record<string, Scalar> }[];
  controls: ControlRef[];
  rationale: string;
  remediation: string;
  fixtures: { compliant: RuleFixture; nonCompliant: RuleFixture };
}

/** A fact reference with its params: the unit both evaluators compute and evidence reports. */
export interface FactRef {
  fact: string;
  params?: Record<string, Scalar>;
}

/** A rule ready to evaluate under one profile: parameters substituted, facts checked. */
export interface LoadedRule {
  id: string;
  /** Folder under rules/: hardening, perimeter, consolidation, simulation. */
  pack: string;
  file: string;
  title: string;
  severity: Severity;
  category: FindingCategory;
  resourceType: ResourceType;
  description?: string;
  params: Record<string, Scalar | Scalar[]>;
  appliesTo: Record<string, Scalar[]>;
  conditions: Condition;
  /** Facts reported as evidence: every fact the conditions read, then the rule's extra ones. */
  evidenceFacts: FactRef[];
  controls: ControlRef[];
  rationale: string;
  remediation: string;
  fixtures: { compliant: RuleFixture; nonCompliant: RuleFixture };
}

/** A rule that fired on a resource. */
export interface RuleHit {
  rule: LoadedRule;
  resourceType: ResourceType;
  resourceId: string;
  resourceName?: string;
  cluster?: string;
  datacenter?: string;
  evidence: Record<string, FactValue>;
  /** Set when the rule fired only on assumed defaults: what was not reported and what to collect. */
  unverified?: Unverified;
}

/** Which resources each rule was evaluated on (for JUnit's passing cases and coverage). */
export interface RuleCoverage {
  ruleId: string;
  resourceIds: readonly string[];
  /** Of those, the resources whose result rests on facts nobody reported (failing or passing on defaults). */
  unverifiedIds?: readonly string[];
}
