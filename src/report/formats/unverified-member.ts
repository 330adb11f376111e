import { sameFlatRecord } from '../../model/flat-record';
import { type PrintedFinding, unverifiedMember } from './json-finding';
import { asciiBytes, copyInto, JsonBytes, plainInto } from './json-bytes';

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

/** The same keys with the quotes around the values beside them: the line of a member whose strings need no escape. */
const PLAIN_OPEN = asciiBytes('{"fingerprint":"');
const PLAIN_RESOURCE_ID = asciiBytes('","resourceId":"');
const PLAIN_RESOURCE_NAME = asciiBytes('","resourceName":"');
const PLAIN_NO_RESOURCE_NAME = asciiBytes('","resourceName":null');
const QUOTE = 0x22;
/** More than the plain line's keys and quotes take. */
const PLAIN_KEY_BYTES = 64;

/** A line's end is a few hundred bytes; a larger one (large evidence) grows the buffer. */
const TAIL_BYTES = 1 << 10;
/**
 * Line ends kept for one evidence and first seen: one per cluster (and its datacenter), 313 on the 100,000-VM fleet.
 * Cluster names and evidence values come from reported data: past this many ends, or this many bytes of them (one
 * large evidence over thousands of clusters), the ends are forgotten and made again, so memory stays bounded.
 */
const MAX_TAILS = 4096;
const MAX_TAIL_BYTES = 4 << 20;

/** A line's end as written for a cluster: its datacenter and its bytes (`,"cluster":…,"firstSeen":…}`). */
interface Tail {
  readonly datacenter: string | null;
  readonly bytes: Uint8Array;
}

/**
 * Prints an unverified group's member as `JSON.stringify(unverifiedMember(f))` does, on one line, as UTF-8 straight
 * into the document's bytes (`JsonBytes`), without building the object or a string of the line. What members repeat is
 * written once: a group's members share their evidence (one object per group on the sparse fleet), whose text is kept
 * while the object is the same or equal; and the end of the line (cluster, datacenter, evidence, first seen) is the
 * same for every member of a cluster, whose resources come in short runs (members are in resource id order), so each
 * cluster's end is written once per evidence and first seen and then copied as one piece. The rest (fingerprint, id,
 * name) is copied a code unit per byte with one check for room, when printable ASCII with nothing to escape; any
 * other line goes the general way (`JSON.stringify` of each string that needs it), so the text is always the same.
 */
export class UnverifiedMemberPrinter {
  private evidence: unknown = NONE;
  private evidenceBytes: Uint8Array = NULL;
  /** What the kept line ends were written for: the evidence's bytes and the first seen. */
  private tailsOf: { evidence: Uint8Array; firstSeen: string } | undefined;
  private readonly tails = new Map<string | null, Tail>();
  /** The bytes of the kept ends. */
  private tailBytes = 0;
  /** The last member's cluster and datacenter, and its line's end. */
  private cluster: unknown = NONE;
  private datacenter: unknown = NONE;
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
    // The same object as the previous member's: nothing writes a finding's evidence once it is printed.
    if (f.evidence !== this.evidence && !sameFlatRecord(this.evidence, f.evidence)) {
      const text: string | undefined = JSON.stringify(f.evidence);
      // Evidence JSON leaves out (undefined, a function): the object's own text, which leaves the key out.
      if (text === undefined) {
        out.text(JSON.stringify(unverifiedMember(f)));
        return;
      }
      this.evidence = f.evidence;
      this.evidenceBytes = Buffer.from(text, 'utf8');
    }
    const tail = this.tailFor(cluster ?? null, datacenter ?? null, firstSeen);
    const nameChars = typeof resourceName === 'string' ? resourceName.length : 0;
    const buffer = out.reserve(PLAIN_KEY_BYTES + fingerprint.length + resourceId.length + nameChars + tail.length);
    let at = plainInto(buffer, copyInto(buffer, out.end, PLAIN_OPEN), fingerprint);
    if (at >= 0) at = plainInto(buffer, copyInto(buffer, at, PLAIN_RESOURCE_ID), resourceId);
    if (at >= 0 && typeof resourceName === 'string') {
      at = plainInto(buffer, copyInto(buffer, at, PLAIN_RESOURCE_NAME), resourceName);
      if (at >= 0) buffer[at++] = QUOTE;
    } else if (at >= 0) at = copyInto(buffer, at, PLAIN_NO_RESOURCE_NAME);
    if (at >= 0) {
      buffer.set(tail, at);
      out.wroteTo(at + tail.length);
      return;
    }
    // A string to escape or past ASCII: what was copied is written over.
    out.bytes(OPEN);
    out.string(fingerprint);
    out.bytes(RESOURCE_ID);
    out.string(resourceId);
    out.bytes(RESOURCE_NAME);
    optionalString(out, resourceName);
    out.bytes(tail);
  }

  /** The line's end for these values and the current evidence: the last member's, a kept one, or written now. */
  private tailFor(cluster: string | null, datacenter: string | null, firstSeen: string): Uint8Array {
    let of = this.tailsOf;
    if (of === undefined || of.evidence !== this.evidenceBytes || of.firstSeen !== firstSeen) {
      of = { evidence: this.evidenceBytes, firstSeen };
      this.tailsOf = of;
      this.tails.clear();
      this.tailBytes = 0;
      this.cluster = NONE;
    } else if (cluster === this.cluster && datacenter === this.datacenter) return this.tail;
    let tail = this.tails.get(cluster);
    if (tail === undefined || tail.datacenter !== datacenter) {
      const out = this.tailOut;
      out.bytes(CLUSTER);
      optionalString(out, cluster);
      out.bytes(DATACENTER);
      optionalString(out, datacenter);
      out.bytes(EVIDENCE);
      out.bytes(of.evidence);
      out.bytes(FIRST_SEEN);
      out.string(firstSeen);
      out.bytes(CLOSE);
      // A copy of its own: `tailOut` is written over for the next end.
      const bytes = Buffer.from(out.take()!);
      // The cluster's end for another datacenter, replaced.
      if (tail !== undefined) this.tailBytes -= tail.bytes.length;
      if (this.tails.size >= MAX_TAILS || this.tailBytes + bytes.length > MAX_TAIL_BYTES) {
        this.tails.clear();
        this.tailBytes = 0;
      }
      tail = { datacenter, bytes };
      this.tails.set(cluster, tail);
      this.tailBytes += bytes.length;
    }
    this.cluster = cluster;
    this.datacenter = datacenter;
    this.tail = tail.bytes;
    return tail.bytes;
  }
}

function optionalString(out: JsonBytes, value: string | null | undefined): void {
  if (typeof value === 'string') out.string(value);
  else out.bytes(NULL);
}
