import type { JsonRecord } from '../json-access';
import { VsphereError } from './errors';
import type { SoapClient } from './soap-client';
import { child, childText, children, el, isNode, moRef, moRefXml, text, xsiType, type XmlValue } from './xml';

/** Fields the vCenter normaliser reads as numbers; everything else in an event stays a string as sent. */
const NUMERIC = new Set(['key', 'chainId', 'numCPUs', 'memoryMB']);
/** Fields that are arrays in the vim25 schema; one element must still read as a list. */
const ARRAYS = new Set(['extraConfig', 'deviceChange']);
const MAX_DEPTH = 32;

/**
 * An event element as govmomi's JSON writes it (`_typeName`, camelCase fields, MoRefs as `{type, value}`, typed
 * values as `{_typeName, _value}`): the form the vCenter normaliser already reads from `govc events -json`.
 */
export function eventJson(value: XmlValue, depth = 0): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) return value.map((v) => eventJson(v, depth + 1));
  const ref = moRef(value);
  if (ref && isNode(value) && Object.keys(value).every((k) => k === '@_type' || k === '#text')) {
    // An element with a type attribute and only text is a MoRef, unless the type is an XML Schema primitive.
    const t = xsiType(value)!;
    if (!/^(string|int|long|short|byte|boolean|double|float|dateTime)$/.test(t))
      return { type: ref.type, value: ref.value };
    return {
      _typeName: t,
      _value:
        t === 'boolean'
          ? ref.value === 'true'
          : /^(int|long|short|byte|double|float)$/.test(t)
            ? Number(ref.value)
            : ref.value,
    };
  }
  if (!isNode(value)) return text(value);
  const out: JsonRecord = {};
  const type = xsiType(value);
  if (type) out._typeName = type;
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('@_') || k === '__proto__') continue;
    if (k === '#text') continue;
    let converted = eventJson(v, depth + 1);
    if (NUMERIC.has(k) && typeof converted === 'string' && /^-?\d+$/.test(converted)) converted = Number(converted);
    if (ARRAYS.has(k) && !Array.isArray(converted)) converted = converted === undefined ? [] : [converted];
    out[k] = converted;
  }
  return out;
}

export interface ReadEventsStats {
  pages: number;
}

/**
 * Events created at or after `since`, oldest first, page by page through an EventHistoryCollector
 * (CreateCollectorForEvents, then ReadNextEvents until a page comes back empty, then DestroyCollector).
 */
export async function* readEvents(
  client: SoapClient,
  since: string,
  pageSize: number,
  stats: ReadEventsStats,
): AsyncGenerator<XmlValue[]> {
  const content = client.content!;
  const sinceMs = Date.parse(since);
  const created = await client.call(
    'CreateCollectorForEvents',
    `${moRefXml('_this', content.eventManager)}<filter><time>${el('beginTime', since)}</time></filter>`,
  );
  const collector = moRef(child(created, 'returnval'));
  if (!collector)
    throw new VsphereError('protocol', `vCenter ${client.host}: CreateCollectorForEvents returned no collector`);
  try {
    // Only sizes the collector's "latest page" on a real vCenter (ReadNextEvents reads its whole history); vcsim
    // 0.24.2 reads nothing beyond that page, which is 10 events unless set.
    await client.call('SetCollectorPageSize', moRefXml('_this', collector) + el('maxCount', 1000));
    for (;;) {
      const res = await client.call('ReadNextEvents', moRefXml('_this', collector) + el('maxCount', pageSize));
      const events = children(res, 'returnval');
      stats.pages++;
      if (events.length === 0) break;
      // The filter's beginTime already does this on a vCenter; vcsim 0.24.2 ignores it, so it is applied here too.
      yield events.filter((e) => {
        const created = Date.parse(childText(e, 'createdTime') ?? '');
        return Number.isNaN(created) || created >= sinceMs;
      });
    }
  } finally {
    await client.call('DestroyCollector', moRefXml('_this', collector)).catch(() => undefined);
  }
}
