import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { REMEDY, VsphereError, type VsphereFailure } from './errors';
import {
  child,
  childText,
  el,
  escapeXml,
  isNode,
  moRef,
  moRefXml,
  parseXml,
  xsiType,
  type MoRef,
  type XmlNode,
  type XmlValue,
} from './xml';

export interface SoapClientOptions {
  /** The SDK endpoint, `https://vc.example/sdk`. */
  url: string;
  /** PEM CA bundle to trust in addition to nothing else: a vCenter's own VMCA, typically. */
  ca?: string;
  /** Skip certificate verification; only when asked for by name (`--insecure`). */
  insecure?: boolean;
  /** Per request. */
  timeoutMs?: number;
  /** Largest response body accepted; a page of objects is bounded by the page size, so this is generous. */
  maxResponseBytes?: number;
  /** Called after every HTTP round trip, with the method name (tests end a session mid-collection here). */
  onRoundTrip?: (method: string, count: number) => void | Promise<void>;
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

const SERVICE_INSTANCE: MoRef = { type: 'ServiceInstance', value: 'ServiceInstance' };

/** What RetrieveServiceContent returns that the collector uses. */
export interface ServiceContent {
  propertyCollector: MoRef;
  viewManager: MoRef;
  eventManager: MoRef;
  sessionManager: MoRef;
  rootFolder: MoRef;
  instanceUuid: string;
  apiVersion: string;
  fullName: string;
}

/**
 * A thin vim25 SOAP client over node:https: envelopes written by hand, responses parsed with fast-xml-parser.
 * The session cookie stays in this object (never logged, never in an error). On NotAuthenticated (the session
 * expired or was ended mid-collection) it logs in again once and repeats the call, so a long collection survives
 * an idle-timeout; a second expiry in the same call is an error.
 */
export class SoapClient {
  readonly host: string;
  roundTrips = 0;
  private cookie: string | undefined;
  private soapAction = 'urn:vim25/6.7';
  private readonly agent: HttpsAgent | HttpAgent;
  private readonly endpoint: URL;
  private credentials: { username: string; password: string } | undefined;
  content: ServiceContent | undefined;

  constructor(private readonly options: SoapClientOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new VsphereError('protocol', `vCenter URL is not a URL: use https://vcenter.example/sdk`);
    }
    if (url.username || url.password)
      throw new VsphereError(
        'protocol',
        'vCenter URL must not carry a user or password: use --username and --password-file',
      );
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new VsphereError('protocol', `vCenter URL must be https://…/sdk, got ${url.protocol}`);
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/sdk';
    this.endpoint = url;
    this.host = url.host;
    this.agent =
      url.protocol === 'https:'
        ? new HttpsAgent({
            keepAlive: true,
            maxSockets: 1,
            ...(options.ca !== undefined && { ca: options.ca }),
            rejectUnauthorized: options.insecure !== true,
          })
        : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  }

  private fail(failure: VsphereFailure, what: string, faultType?: string): VsphereError {
    return new VsphereError(failure, `vCenter ${this.host}: ${what}; ${REMEDY[failure]}`, faultType);
  }

  /** Retrieves the service content and logs in; the password is kept only to log in again after an expiry. */
  async login(username: string, password: string): Promise<ServiceContent> {
    this.credentials = { username, password };
    const res = await this.invoke('RetrieveServiceContent', moRefXml('_this', SERVICE_INSTANCE), false);
    const rv = child(res, 'returnval');
    const ref = (name: string): MoRef => {
      const r = moRef(child(rv, name));
      if (!r) throw this.fail('protocol', `the service content has no ${name}`);
      return r;
    };
    this.content = {
      propertyCollector: ref('propertyCollector'),
      viewManager: ref('viewManager'),
      eventManager: ref('eventManager'),
      sessionManager: ref('sessionManager'),
      rootFolder: ref('rootFolder'),
      instanceUuid: childText(rv, 'about', 'instanceUuid') ?? '',
      apiVersion: childText(rv, 'about', 'apiVersion') ?? '6.7',
      fullName: childText(rv, 'about', 'fullName') ?? '',
    };
    if (!this.content.instanceUuid)
      throw this.fail(
        'protocol',
        'the service content has no about.instanceUuid (is this a vCenter, not an ESXi host?)',
      );
    this.soapAction = `urn:vim25/${this.content.apiVersion}`;
    await this.doLogin();
    return this.content;
  }

  private async doLogin(): Promise<void> {
    const { username, password } = this.credentials!;
    this.cookie = undefined;
    try {
      await this.invoke(
        'Login',
        moRefXml('_this', this.content!.sessionManager) + el('userName', username) + el('password', password),
        false,
      );
    } catch (err) {
      if (err instanceof VsphereError && err.faultType === 'InvalidLogin') {
        throw this.fail('bad-credentials', `login as ${username} was refused`, 'InvalidLogin');
      }
      throw err;
    }
  }

  async logout(): Promise<void> {
    if (!this.cookie || !this.content) return;
    try {
      await this.invoke('Logout', moRefXml('_this', this.content.sessionManager), false);
    } catch {
      // The session ends by itself on the vCenter's idle timeout; nothing to lose here.
    } finally {
      this.cookie = undefined;
      this.agent.destroy();
    }
  }

  /** Calls a vim25 method with its arguments as XML; returns the `<MethodResponse>` element. */
  async call(method: string, argsXml: string): Promise<XmlNode> {
    try {
      return await this.invoke(method, argsXml, true);
    } catch (err) {
      if (!(err instanceof VsphereError) || err.faultType !== 'NotAuthenticated' || !this.credentials) throw err;
    }
    await this.doLogin();
    try {
      return await this.invoke(method, argsXml, true);
    } catch (err) {
      if (err instanceof VsphereError && err.faultType === 'NotAuthenticated') {
        throw this.fail(
          'session-expired',
          `the session ended again right after logging in (${method})`,
          'NotAuthenticated',
        );
      }
      throw err;
    }
  }

  private async invoke(method: string, argsXml: string, authenticated: boolean): Promise<XmlNode> {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      `<soapenv:Body><${method} xmlns="urn:vim25">${argsXml}</${method}></soapenv:Body></soapenv:Envelope>`;
    if (authenticated && !this.cookie) throw this.fail('protocol', `${method} called before logging in`);
    const { status, text, setCookie } = await this.post(method, body);
    this.roundTrips++;
    await this.options.onRoundTrip?.(method, this.roundTrips);
    let doc: XmlNode;
    try {
      doc = parseXml(text);
    } catch {
      throw this.fail('protocol', `${method} answered HTTP ${status} with a body that is not XML`);
    }
    const bodyNode = child(child(doc, 'Envelope'), 'Body');
    if (!isNode(bodyNode)) throw this.fail('protocol', `${method} answered HTTP ${status} without a SOAP envelope`);
    const fault = child(bodyNode, 'Fault');
    if (fault !== undefined) throw this.faultError(method, fault);
    const res = child(bodyNode, `${method}Response`);
    if (!isNode(res) && res !== '')
      throw this.fail('protocol', `${method} answered HTTP ${status} without ${method}Response`);
    if (setCookie) this.cookie = setCookie;
    return isNode(res) ? res : {};
  }

  private faultError(method: string, fault: XmlValue): VsphereError {
    const detail = child(fault, 'detail');
    let faultType: string | undefined;
    let named: string | undefined;
    if (isNode(detail)) {
      const [name, value] = Object.entries(detail).find(([k]) => !k.startsWith('@_') && k !== '#text') ?? [];
      faultType = xsiType(value) ?? name?.replace(/Fault$/, '');
      // InvalidProperty and its kin name the offending property in `name`.
      named = childText(value, 'name');
    }
    const reason = [childText(fault, 'faultstring'), named]
      .filter((s) => s)
      .join(': ')
      .slice(0, 300);
    if (faultType === 'NotAuthenticated')
      return new VsphereError(
        'session-expired',
        `vCenter ${this.host}: ${method}: the session is not authenticated`,
        faultType,
      );
    if (faultType === 'InvalidLogin')
      return new VsphereError('bad-credentials', `vCenter ${this.host}: login refused`, faultType);
    return this.fail(
      'fault',
      `${method} failed with ${faultType ?? 'a SOAP fault'}${reason ? ` (${reason})` : ''}`,
      faultType,
    );
  }

  private post(method: string, body: string): Promise<{ status: number; text: string; setCookie?: string }> {
    const maxBytes = this.options.maxResponseBytes ?? 128 * 1024 * 1024;
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    const requester = this.endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = requester(
        this.endpoint,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'Content-Type': 'text/xml; charset=utf-8',
            SOAPAction: this.soapAction,
            'Content-Length': Buffer.byteLength(body),
            ...(this.cookie !== undefined && { Cookie: this.cookie }),
          },
          timeout: timeoutMs,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              req.destroy();
              reject(this.fail('too-large', `${method} answered more than ${maxBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (err) =>
            reject(this.fail('unreachable', `${method}: the connection failed (${err.message})`)),
          );
          res.on('end', () => {
            const raw = res.headers['set-cookie']?.[0];
            const setCookie = raw?.split(';')[0];
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              ...(setCookie && { setCookie }),
            });
          });
        },
      );
      req.on('timeout', () => {
        req.destroy();
        reject(this.fail('timeout', `${method} got no answer within ${Math.round(timeoutMs / 1000)} s`));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code && TLS_CODES.has(err.code)) {
          reject(this.fail('tls-untrusted', `its TLS certificate is not trusted (${err.code})`));
        } else {
          reject(this.fail('unreachable', `cannot connect (${err.code ?? err.message})`));
        }
      });
      req.end(body);
    });
  }
}

export { escapeXml };
