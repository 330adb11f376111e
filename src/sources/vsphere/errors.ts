/** Why a collection failed, so the CLI and the Lambda can say what to do; messages never carry secrets. */
export type VsphereFailure =
  | 'unreachable'
  | 'tls-untrusted'
  | 'bad-credentials'
  | 'session-expired'
  | 'fault'
  | 'protocol'
  | 'too-large'
  | 'timeout';

export class VsphereError extends Error {
  override readonly name = 'VsphereError';
  constructor(
    readonly failure: VsphereFailure,
    message: string,
    /** The SOAP fault's type (NotAuthenticated, InvalidLogin, InvalidProperty...), when there was one. */
    readonly faultType?: string,
  ) {
    super(message);
  }
}

/** What a person should do about each failure; appended to the message naming the vCenter. */
export const REMEDY: Record<VsphereFailure, string> = {
  unreachable: 'check the URL and that this machine can reach the vCenter on port 443 (VPN, security group, proxy)',
  'tls-untrusted':
    "pass the vCenter's CA certificate with --ca-file (or --insecure to skip verification, not recommended)",
  'bad-credentials': 'check the user name and the password (--password-file or HYPERAUDIT_VSPHERE_PASSWORD)',
  'session-expired': 'the vCenter ended the session twice in one collection; re-run the collection',
  fault: 'the vCenter refused a request; re-run, and check the user has the read-only role on the root folder',
  protocol: 'the server did not answer like a vCenter SDK endpoint; check the URL ends in /sdk',
  'too-large': 'a response exceeded the size limit; lower --page-size',
  timeout: 'the vCenter did not answer in time; re-run, or raise --timeout',
};
