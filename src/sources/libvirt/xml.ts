import { XMLParser } from 'fast-xml-parser';

/** A parsed element: attributes as `@name`, repeated children as arrays, text as `#text` or a bare string. */
export type XmlNode = Record<string, unknown>;

/** Elements that may repeat under their parent in domain and capabilities XML; always parsed as arrays. */
const REPEATED = new Set([
  'disk',
  'interface',
  'graphics',
  'listen',
  'hostdev',
  'seclabel',
  'feature',
  'secmodel',
  'tpm',
  'memballoon',
  'cell',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

/** virsh output is a few KiB per domain; anything near this is not libvirt's. */
export const MAX_XML_CHARS = 4 * 1024 * 1024;

export class XmlInputError extends Error {
  override readonly name = 'XmlInputError';
}

/**
 * libvirt never writes a DOCTYPE, so one is refused outright: no internal entity can expand (billion laughs)
 * and no external entity can be read. Only XML's five predefined entities and character references decode.
 */
export function parseXml(text: string, what: string): XmlNode {
  if (text.length > MAX_XML_CHARS) throw new XmlInputError(`${what}: XML larger than ${MAX_XML_CHARS} characters`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    throw new XmlInputError(`${what}: XML with a DOCTYPE or entity declaration is refused`);
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch (err) {
    throw new XmlInputError(
      `${what}: not well-formed XML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
    );
  }
  if (!isNode(parsed)) throw new XmlInputError(`${what}: empty XML`);
  return parsed;
}

function isNode(v: unknown): v is XmlNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Children named `name` (none when absent); text-only children come back as `{ '#text': ... }`. */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  if (!node || !Object.hasOwn(node, name)) return [];
  const v = node[name];
  const list = Array.isArray(v) ? (v as unknown[]) : [v];
  return list.map((item) => (isNode(item) ? item : { '#text': typeof item === 'string' ? item : String(item ?? '') }));
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  if (!node || !Object.hasOwn(node, `@${name}`)) return undefined;
  const v = node[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

export function text(node: XmlNode | undefined): string | undefined {
  if (!node || !Object.hasOwn(node, '#text')) return undefined;
  const v = node['#text'];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
