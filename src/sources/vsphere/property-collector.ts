import { VsphereError } from './errors';
import type { SoapClient } from './soap-client';
import { child, children, childText, el, escapeXml, moRef, moRefXml, text, type MoRef, type XmlValue } from './xml';

/** One object of a page: its reference, its properties by path, and the paths the server could not give. */
export interface ObjectContent {
  obj: MoRef;
  props: Map<string, XmlValue>;
  missing: string[];
}

export interface TypeSpec {
  type: string;
  paths: readonly string[];
}

/** A hop from a collected object to another that is collected too, e.g. HostSystem → its OptionManager. */
export interface Hop {
  name: string;
  type: string;
  path: string;
}

export interface RetrieveRequest {
  /** Types the container view holds (and whose properties are read). */
  viewTypes: readonly string[];
  specs: readonly TypeSpec[];
  hops?: readonly Hop[];
  /** Objects per page (RetrieveOptions.maxObjects); the server may return fewer. */
  pageSize: number;
}

function propertySpecs(specs: readonly TypeSpec[]): string {
  return specs
    .map((s) => `<propSet>${el('type', s.type)}${s.paths.map((p) => el('pathSet', p)).join('')}</propSet>`)
    .join('');
}

function filterSpec(view: MoRef, req: RetrieveRequest, specs: readonly TypeSpec[]): string {
  const hops = (req.hops ?? [])
    .map(
      (h) =>
        `<selectSet xsi:type="TraversalSpec">${el('name', h.name)}${el('type', h.type)}${el('path', h.path)}${el('skip', false)}</selectSet>`,
    )
    .join('');
  const traversal = `<selectSet xsi:type="TraversalSpec">${el('name', 'view')}${el('type', 'ContainerView')}${el('path', 'view')}${el('skip', false)}${hops}</selectSet>`;
  return `<specSet>${propertySpecs(specs)}<objectSet>${moRefXml('obj', view)}${el('skip', true)}${traversal}</objectSet></specSet>`;
}

function parseObjects(returnval: XmlValue | undefined): { objects: ObjectContent[]; token?: string } {
  const objects: ObjectContent[] = [];
  for (const o of children(returnval, 'objects')) {
    const obj = moRef(child(o, 'obj'));
    if (!obj) continue;
    const props = new Map<string, XmlValue>();
    for (const p of children(o, 'propSet')) {
      const name = childText(p, 'name');
      const val = child(p, 'val');
      if (name !== undefined && val !== undefined) props.set(name, val);
    }
    const missing = children(o, 'missingSet')
      .map((m) => childText(m, 'path'))
      .filter((p): p is string => p !== undefined);
    objects.push({ obj, props, missing });
  }
  const token = text(child(returnval, 'token'));
  return { objects, ...(token ? { token } : {}) };
}

export interface RetrieveStats {
  pages: number;
  /** Paths the vCenter's API version does not have, dropped after it refused them (InvalidProperty). */
  droppedPaths: string[];
}

/**
 * Every object of the given types under the root folder, page by page: one CreateContainerView, one
 * RetrievePropertiesEx, one ContinueRetrievePropertiesEx per further page, one DestroyView. A property the
 * vCenter's version does not know (InvalidProperty) is dropped from the request and reported, not fatal.
 */
export async function* retrieveAll(
  client: SoapClient,
  req: RetrieveRequest,
  stats: RetrieveStats,
): AsyncGenerator<ObjectContent[]> {
  const content = client.content!;
  const created = await client.call(
    'CreateContainerView',
    moRefXml('_this', content.viewManager) +
      moRefXml('container', content.rootFolder) +
      req.viewTypes.map((t) => el('type', t)).join('') +
      el('recursive', true),
  );
  const view = moRef(child(created, 'returnval'));
  if (!view) throw new VsphereError('protocol', `vCenter ${client.host}: CreateContainerView returned no view`);
  let specs = req.specs.map((s) => ({ type: s.type, paths: [...s.paths] }));
  try {
    let res: Awaited<ReturnType<SoapClient['call']>> | undefined;
    for (let attempt = 0; res === undefined; attempt++) {
      try {
        res = await client.call(
          'RetrievePropertiesEx',
          moRefXml('_this', content.propertyCollector) +
            filterSpec(view, req, specs) +
            `<options>${el('maxObjects', req.pageSize)}</options>`,
        );
      } catch (err) {
        const bad =
          err instanceof VsphereError && err.faultType === 'InvalidProperty'
            ? invalidPath(err.message, specs)
            : undefined;
        if (bad === undefined || attempt > 50) throw err;
        stats.droppedPaths.push(bad);
        specs = specs.map((s) => ({ type: s.type, paths: s.paths.filter((p) => p !== bad) }));
      }
    }
    let page = parseObjects(child(res, 'returnval'));
    stats.pages++;
    yield page.objects;
    while (page.token) {
      const next = await client.call(
        'ContinueRetrievePropertiesEx',
        moRefXml('_this', content.propertyCollector) + el('token', page.token),
      );
      page = parseObjects(child(next, 'returnval'));
      stats.pages++;
      yield page.objects;
    }
  } finally {
    await client.call('DestroyView', moRefXml('_this', view)).catch(() => undefined);
  }
}

/** The refused path, from an InvalidProperty fault message naming it (vCenter puts `name` in the fault string). */
function invalidPath(message: string, specs: readonly TypeSpec[]): string | undefined {
  for (const s of specs) for (const p of s.paths) if (message.includes(p)) return p;
  return undefined;
}

export { escapeXml };
