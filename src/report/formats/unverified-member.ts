import { sameFlatRecord } from '../../model/flat-record';
import { type PrintedFinding, unverifiedMember } from './json-finding';

/** A string, or what `?? null` turns into null: printed as the member's object prints it. */
function optionalText(value: unknown): string | undefined {
  if (value === undefined || value === null) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : undefined;
}

/** What no finding's field holds: the printer has printed no member yet. */
const NONE = Symbol('no member printed yet');

/**
 * Prints an unverified group's member as `JSON.stringify(unverifiedMember(f))` does, on one line, without building
 * the object: members of a group usually share their evidence (the assumed defaults, in objects of their own) and
 * their cluster's and datacenter's names with the previous member, whose texts are then used again.
 */
export class UnverifiedMemberPrinter {
  private evidence: unknown = NONE;
  private evidenceText = '';
  private cluster: unknown = NONE;
  private clusterText = '';
  private datacenter: unknown = NONE;
  private datacenterText = '';

  text(f: PrintedFinding): string {
    if (typeof f.fingerprint !== 'string' || typeof f.resourceId !== 'string' || typeof f.firstSeen !== 'string')
      return JSON.stringify(unverifiedMember(f));
    const name = optionalText(f.resourceName);
    const cluster = f.cluster === this.cluster ? this.clusterText : optionalText(f.cluster);
    const datacenter = f.datacenter === this.datacenter ? this.datacenterText : optionalText(f.datacenter);
    const evidence: string | undefined = sameFlatRecord(this.evidence, f.evidence)
      ? this.evidenceText
      : JSON.stringify(f.evidence);
    // Not a string (or null) where one belongs, or evidence JSON leaves out: the object's own text.
    if (name === undefined || cluster === undefined || datacenter === undefined || evidence === undefined)
      return JSON.stringify(unverifiedMember(f));
    this.cluster = f.cluster;
    this.clusterText = cluster;
    this.datacenter = f.datacenter;
    this.datacenterText = datacenter;
    this.evidence = f.evidence;
    this.evidenceText = evidence;
    return (
      `{"fingerprint":${JSON.stringify(f.fingerprint)},"resourceId":${JSON.stringify(f.resourceId)}` +
      `,"resourceName":${name},"cluster":${cluster},"datacenter":${datacenter}` +
      `,"evidence":${evidence},"firstSeen":${JSON.stringify(f.firstSeen)}}`
    );
  }
}
