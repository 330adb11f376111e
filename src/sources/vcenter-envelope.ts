import { eventBridgeEnvelope } from './eventbridge';
import { field, isRecord, own, str, type JsonRecord } from './json-access';
import { decodeUtf8Body } from './utf8';

/** A vCenter event with whatever its transport said about it. */
export interface VcenterEnvelope {
  body: JsonRecord;
  /** Event class (VmPoweredOnEvent) or EventEx type id (com.vmware.vc.HA...). */
  className?: string;
  /** vCenter identity, for ids unique across vCenters (CloudEvent `source`, e.g. https://vc01/sdk). */
  identity?: string;
  /** Transport's own id (CloudEvent id) and time, used when the body lacks Key/CreatedTime. */
  envelopeId?: string;
  envelopeTime?: string;
  /** Prefix for field paths in messages: `data.` when the body sat inside a CloudEvent. */
  fieldPrefix: string;
}

const VSPHERE_TYPE = /^com\.vmware\.vsphere\.(.+)\.v\d+$/;
const ROUTER_TYPE = /^com\.vmware\.event\.router\/(event|eventex|extendedevent)$/i;
const CLASS_IN_FILE = /(?:^|[-_ ])([A-Z][A-Za-z0-9]*Event)\.json$/;

export function isCloudEvent(value: unknown): boolean {
  const type = own(value, 'type');
  return (
    isRecord(value) &&
    typeof type === 'string' &&
    (own(value, 'specversion') !== undefined || VSPHERE_TYPE.test(type) || ROUTER_TYPE.test(type))
  );
}

/** Class named by a CloudEvent `type`/`subject`, for both VEBA generations. */
export function classFromCloudEvent(type: unknown, subject: unknown): string | undefined {
  if (typeof type !== 'string') return undefined;
  const v = VSPHERE_TYPE.exec(type);
  if (v) return v[1];
  if (ROUTER_TYPE.test(type)) return str(subject);
  return undefined;
}

/** vcsim and some exporters write one event per file named after its class (`0037-VmClonedEvent.json`). */
export function classFromFileName(file: string): string | undefined {
  const base = file.split(/[\\/]/).pop() ?? file;
  return CLASS_IN_FILE.exec(base)?.[1];
}

/** Class carried by the body itself: govmomi `_typeName`, EventEx `eventTypeId`, PowerCLI `EventType`, govc `type`. */
function classFromBody(body: JsonRecord): string | undefined {
  const eventTypeId = str(field(body, 'EventTypeId'));
  if (eventTypeId) return eventTypeId;
  const typeName = str(own(body, '_typeName'));
  if (typeName) return typeName;
  // PowerCLI objects carry no class; exports commonly add it as EventType ($_.GetType().Name).
  const eventType = str(field(body, 'EventType'));
  if (eventType) return eventType;
  const t = field(body, 'Type');
  return typeof t === 'string' && /Event$|^com\.vmware\./.test(t) ? t : undefined;
}

/** Unwraps CloudEvents (structured mode) and EventBridge envelopes down to the vCenter event body. */
export function unwrapVcenter(value: JsonRecord, file: string): VcenterEnvelope | { error: string; field: string } {
  if (
    isCloudEvent(value) ||
    (own(value, 'data') !== undefined && own(value, 'type') === undefined && Object.keys(value).length <= 3)
  ) {
    const data = own(value, 'data');
    if (!isRecord(data)) return { error: 'CloudEvent has no `data` object holding the vCenter event', field: 'data' };
    const fromBody = classFromBody(data);
    return {
      body: data,
      className: classFromCloudEvent(own(value, 'type'), own(value, 'subject')) ?? fromBody ?? classFromFileName(file),
      identity: str(own(value, 'source')),
      envelopeId: str(own(value, 'id')),
      envelopeTime: str(own(value, 'time')),
      fieldPrefix: 'data.',
    };
  }
  const eventBridge = eventBridgeEnvelope(value);
  if (eventBridge) {
    // VEBA's EventBridge processor puts the CloudEvent (or the bare event) in `detail`.
    const inner = unwrapVcenter(eventBridge.detail, file);
    if ('error' in inner) return { error: inner.error, field: `detail.${inner.field}` };
    return {
      ...inner,
      className: inner.className ?? str(eventBridge.detailType),
      identity: inner.identity ?? eventBridge.source,
      envelopeId: inner.envelopeId ?? eventBridge.id,
      envelopeTime: inner.envelopeTime ?? eventBridge.time,
      fieldPrefix: `detail.${inner.fieldPrefix}`,
    };
  }
  return { body: value, className: classFromBody(value) ?? classFromFileName(file), fieldPrefix: '' };
}

/**
 * CloudEvents binary mode (HTTP): attributes arrive as `ce-*` headers and the body is the event data.
 * Produces the structured form the normalisers read.
 */
export function cloudEventFromBinary(
  headers: Record<string, string | string[] | undefined>,
  body: unknown,
): JsonRecord {
  const event: JsonRecord = {};
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (!name.startsWith('ce-')) continue;
    const attr = name.slice(3);
    if (attr === '' || attr === '__proto__' || attr === 'constructor' || attr === 'prototype' || attr === 'data')
      continue;
    const value = Array.isArray(rawValue) ? rawValue[0] : rawValue;
    if (value === undefined) continue;
    Object.defineProperty(event, attr, { value, enumerable: true, writable: true, configurable: true });
  }
  const contentType = headers['content-type'] ?? headers['Content-Type'];
  if (typeof contentType === 'string') event.datacontenttype = contentType;
  let data = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    let text: string;
    if (typeof body === 'string') text = body;
    else {
      const decoded = decodeUtf8Body(body);
      if ('error' in decoded) throw new RangeError(`CloudEvent data is not valid UTF-8: ${decoded.error}`);
      text = decoded.text;
    }
    try {
      data = JSON.parse(text) as unknown;
    } catch {
      data = text;
    }
  }
  event.data = data;
  return event;
}

/**
 * The key a vCenter's CloudEvent `source` is known by: `https://<host>/sdk`, host lower-cased and the default port
 * dropped, so VEBA's `https://VC01:443/sdk` and a collection from `https://vc01/sdk` name the same vCenter. A source
 * that is not a URL is its own key.
 */
export function vcenterSourceKey(source: string): string {
  try {
    const u = new URL(source);
    return `https://${u.host.toLowerCase()}/sdk`;
  } catch {
    return source;
  }
}
