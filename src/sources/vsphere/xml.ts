import { XMLParser } from 'fast-xml-parser';

/** A parsed XML element: child elements by local name, attributes as `@_name`, text as `#text`. */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // xsi:type and soapenv:Body become `@_type` and `Body`: vim25 names are unique without their prefixes.
  removeNSPrefix: true,
  // Values stay strings: `010` keys and version strings must not turn into numbers; mapping converts by schema.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
});

export function parseXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

export function escapeXml(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

export function isNode(value: XmlValue | undefined): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Repeated elements parse as an array and single ones as a value; this is always the list. */
export function list(value: XmlValue | undefined): XmlValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function child(node: XmlValue | undefined, name: string): XmlValue | undefined {
  return isNode(node) ? node[name] : undefined;
}

export function children(node: XmlValue | undefined, name: string): XmlValue[] {
  return list(child(node, name));
}

/** An element's text, whether it has attributes (`{#text, @_type}`) or not. */
export function text(value: XmlValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (isNode(value)) {
    const t = value['#text'];
    if (typeof t === 'string') return t;
    // An empty element with attributes only.
    return Object.keys(value).every((k) => k.startsWith('@_')) ? '' : undefined;
  }
  return undefined;
}

export function xsiType(value: XmlValue | undefined): string | undefined {
  if (!isNode(value)) return undefined;
  const t = value['@_type'];
  return typeof t === 'string' ? t.replace(/^.*:/, '') : undefined;
}

export function childText(node: XmlValue | undefined, ...path: string[]): string | undefined {
  let cur: XmlValue | undefined = node;
  for (const p of path) cur = child(cur, p);
  return text(cur);
}

export function childNumber(node: XmlValue | undefined, ...path: string[]): number | undefined {
  const t = childText(node, ...path);
  if (t === undefined || t.trim() === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

export function childBool(node: XmlValue | undefined, ...path: string[]): boolean | undefined {
  const t = childText(node, ...path)?.trim();
  return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : undefined;
}

/** A managed object reference `<x type="VirtualMachine">vm-43</x>`. */
export interface MoRef {
  type: string;
  value: string;
}

export function moRef(value: XmlValue | undefined): MoRef | undefined {
  const type = isNode(value) ? value['@_type'] : undefined;
  const v = text(value);
  return typeof type === 'string' && v ? { type, value: v } : undefined;
}

export function moRefXml(tag: string, ref: MoRef): string {
  return `<${tag} type="${escapeXml(ref.type)}">${escapeXml(ref.value)}</${tag}>`;
}

export function el(tag: string, value: string | number | boolean): string {
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}
