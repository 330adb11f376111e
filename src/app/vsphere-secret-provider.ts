/** What the scheduled collector logs in with: a read-only vCenter user, and the vCenter's CA when it is private. */
export interface VsphereCredentials {
  username: string;
  password: string;
  /** The vCenter's CA (VMCA) certificate(s), PEM, when it is not publicly trusted. */
  caPem?: string;
}

/**
 * Where the credentials come from, read once per run so a rotated secret takes effect on the next one. The
 * deployed collector reads Secrets Manager (functions/collect-vsphere/vsphere-secret.ts); tests hand them over.
 */
export interface VsphereSecretProvider {
  read(): Promise<VsphereCredentials>;
}

/** Credentials already in hand (tests, a caller that read them itself). */
export function fixedVsphereSecret(credentials: VsphereCredentials): VsphereSecretProvider {
  return { read: async () => credentials };
}
