import { sameFlatRecord } from '../../model/flat-record';
import { type PrintedFinding, unverifiedMember } from './json-finding';
import { asciiBytes, JsonBytes } from './json-bytes';

/** A string, or what `?? null` turns into null: what the member's object prints as a string or as null. */
function optional(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === 'string';
}

/** What no finding's field holds: the printer has printed no member yet. */
const NONE = Symbol('no member printed yet');

const OPEN = asciiBytes('{"fingerprint":');
const RESOURCE_ID = asciiBytes(',"resourceId":');
const RESOURCE_NAME = asciiBytes(',"resourceName":');
const CLUSTER = asciiBytes(',"cluster":');
const DATACENTER = asciiBytes(',"datacenter":');
const EVIDENCE = asciiBytes(',"evidence":');
const FIRST_SEEN = asciiBytes(',"firstSeen":');
const CLOSE = asciiBytes('}');
const NULL = asciiBytes('null');
/** A line's end is a few hundred bytes; a larger one (large evidence) grows the buffer. */
const TAIL_BYTES = 1 << 10;

/**
 * Prints an unverified group's member as `JSON.stringify(unverifiedMember(f))` does, on one line, as UTF-8 straight
 * into the document's bytes (`JsonBytes`), without building the object or a string of the line: members of a group
 * usually share their evidence (the assumed defaults, in objects of their own) with the previous member, whose
 * evidence's bytes are then copied again; and a run of members (resources by id, a cluster's in a row) has the same
 * end of the line (cluster, datacenter, evidence, first seen), whose bytes are then copied in one piece.
 */
export class UnverifiedMemberPrinter {
  private evidence: unknown = NONE;
  private evidenceBytes: Uint8Array = NULL;
  /** What the kept end of the line was written from, and its bytes (valid until the next end is written). */
  private tailOf: { cluster: unknown; datacenter: unknown; firstSeen: string; evidence: Uint8Array } | undefined;
  private tail: Uint8Array = CLOSE;
  private readonly tailOut = new JsonBytes(TAIL_BYTES);

  write(f: PrintedFinding, out: JsonBytes): void {
    const { fingerprint, resourceId, resourceName, cluster, datacenter, firstSeen } = f;
    if (
      typeof fingerprint !== 'string' ||
      typeof resourceId !== 'string' ||
      typeof firstSeen !== 'string' ||
      !optional(resourceName) ||
      !optional(cluster) ||
      !optional(datacenter)
    ) {
      // Not a string (or null) where one belongs: the object's own text.
      out.text(JSON.stringify(unverifiedMember(f)));
      return;
    }
    if (!sameFlatRecord(this.evidence, f.evidence)) {
      const text: string | undefined = JSON.stringify(f.evidence);
      // Evidence JSON leaves out (undefined, a function): the object's own text, which leaves the key out.
      if (text === undefined) {
        out.text(JSON.stringify(unverifiedMember(f)));
        return;
      }
      this.evidence = f.evidence;
      this.evidenceBytes = Buffer.from(text, 'utf8');
    }
    out.bytes(OPEN);
    out.string(fingerprint);
    out.bytes(RESOURCE_ID);
    out.string(resourceId);
    out.bytes(RESOURCE_NAME);
    optionalString(out, resourceName);
    // `?? null` in the member's object: an absent cluster prints as null, like a null one.
    const of = this.tailOf;
    if (
      of === undefined ||
      of.cluster !== (cluster ?? null) ||
      of.datacenter !== (datacenter ?? null) ||
      of.firstSeen !== firstSeen ||
      of.evidence !== this.evidenceBytes
    ) {
      const tail = this.tailOut;
      tail.bytes(CLUSTER);
      optionalString(tail, cluster);
      tail.bytes(DATACENTER);
      optionalString(tail, datacenter);
      tail.bytes(EVIDENCE);
      tail.bytes(this.evidenceBytes);
      tail.bytes(FIRST_SEEN);
      tail.string(firstSeen);
      tail.bytes(CLOSE);
      this.tail = tail.take()!;
      this.tailOf = {
        cluster: cluster ?? null,
        datacenter: datacenter ?? null,
        firstSeen,
        evidence: this.evidenceBytes,
      };
    }
    out.bytes(this.tail);
  }
}

function optionalString(out: JsonBytes, value: string | null | undefined): void {
  if (typeof value === 'string') out.string(value);
  else out.bytes(NULL);
}
