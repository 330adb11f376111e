import { request } from 'node:https';

export interface ProxmoxApiOptions {
  /** `https://pve:8006`, with or without `/api2/json`. */
  baseUrl: string;
  /** `user@realm!tokenid`. */
  tokenId: string;
  tokenSecret: string;
  /** PEM CA bundle to trust (a cluster's self-signed `pve-root-ca.pem`); the system CAs otherwise. */
  ca?: string | Buffer;
  /** Skip certificate verification: named `--insecure` on the command line, never the default. */
  insecure?: boolean;
  timeoutMs: number;
  maxBodyBytes: number;
}

export class ProxmoxApiError extends Error {
  override readonly name = 'ProxmoxApiError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const TOKEN_ID = /^[^\s@!:=]{1,64}@[^\s@!:=]{1,64}![A-Za-z][A-Za-z0-9._-]{0,63}$/;
const TOKEN_SECRET = /^[\x21-\x7e]{1,256}$/;

export function checkToken(tokenId: string, secret: string): string | undefined {
  if (!TOKEN_ID.test(tokenId)) return 'token id must look like user@realm!tokenname (e.g. auditor@pve!hyperaudit)';
  if (!TOKEN_SECRET.test(secret)) return 'token secret must be 1-256 printable characters without spaces';
  return undefined;
}

/**
 * GET one API path and return its `data`. Node's own HTTPS client, because the one Node client for the PVE
 * API (npm `proxmox-api`) is GPL-3.0, which this Apache-2.0 project cannot take on, and does not bound a
 * response. Here the certificate is verified (against `ca` when given), the body is capped, and the request is
 * aborted at the timeout.
 */
export function proxmoxGet(opts: ProxmoxApiOptions, path: string): Promise<unknown> {
  const base = new URL(opts.baseUrl);
  if (base.protocol !== 'https:')
    return Promise.reject(new ProxmoxApiError(`${opts.baseUrl}: the API is HTTPS only (https://host:8006)`));
  const prefix = base.pathname.replace(/\/+$/, '').replace(/\/api2\/json$/, '');
  const url = new URL(`${prefix}/api2/json${path}`, base);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: { Authorization: `PVEAPIToken=${opts.tokenId}=${opts.tokenSecret}`, Accept: 'application/json' },
        ...(opts.ca !== undefined && { ca: opts.ca }),
        rejectUnauthorized: opts.insecure !== true,
        timeout: opts.timeoutMs,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxBodyBytes) {
            req.destroy(new ProxmoxApiError(`GET ${path}: response larger than ${opts.maxBodyBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const reason = (res.statusMessage ?? '').replace(/[^\x20-\x7e]/g, '').slice(0, 200);
          if (status === 401)
            return reject(
              new ProxmoxApiError(
                `GET ${path}: 401 ${reason}: the API token was refused (check --token-id and its secret)`,
                status,
              ),
            );
          if (status === 403)
            return reject(
              new ProxmoxApiError(
                `GET ${path}: 403 ${reason}: the token lacks a privilege (give it the PVEAuditor role on /)`,
                status,
              ),
            );
          if (status < 200 || status >= 300)
            return reject(new ProxmoxApiError(`GET ${path}: HTTP ${status} ${reason}`.trim(), status));
          let doc: unknown;
          try {
            doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return reject(new ProxmoxApiError(`GET ${path}: the answer is not JSON`, status));
          }
          if (typeof doc !== 'object' || doc === null || !Object.hasOwn(doc, 'data'))
            return reject(new ProxmoxApiError(`GET ${path}: the answer has no "data"`, status));
          resolve((doc as { data: unknown }).data);
        });
      },
    );
    req.on('timeout', () => req.destroy(new ProxmoxApiError(`GET ${path}: no answer within ${opts.timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof ProxmoxApiError) return reject(err);
      const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(err.code ?? '');
      reject(
        new ProxmoxApiError(
          tls
            ? `${url.origin}: TLS certificate not trusted (${err.code}): pass the cluster's CA with --ca-file /etc/pve/pve-root-ca.pem, or --insecure`
            : `${url.origin}: ${err.code ?? err.message}`,
        ),
      );
    });
    req.end();
  });
}
