import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import type { VsphereSecretProvider } from '../../src/app/vsphere-secret-provider';

/** The collector's Secrets Manager secret: `{"username": ..., "password": ..., "caPem"?: ...}`. */
export const VsphereSecret = z
  .object({
    username: z.string().min(1).max(512),
    password: z.string().min(1).max(4096),
    /** The vCenter's CA (VMCA) certificate(s), PEM, when it is not publicly trusted. */
    caPem: z
      .string()
      .includes('-----BEGIN CERTIFICATE-----')
      .max(1024 * 1024)
      .optional(),
  })
  .strict();
export type VsphereSecret = z.infer<typeof VsphereSecret>;

/** Parses the secret string; errors name the secret and the field, never what it holds. */
export function parseVsphereSecret(secretId: string, raw: unknown): VsphereSecret {
  if (typeof raw !== 'string') throw new Error(`secret ${secretId} holds no string`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error(`secret ${secretId} is not JSON: expected {"username": ..., "password": ..., "caPem"?: ...}`);
  }
  const parsed = VsphereSecret.safeParse(value);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
    throw new Error(`secret ${secretId} is not {"username": ..., "password": ..., "caPem"?: ...}: check ${fields}`);
  }
  return parsed.data;
}

/** The collector's credentials port on Secrets Manager (cached five minutes per container by Powertools). */
export function secretsManagerVsphereSecret(secretId: string): VsphereSecretProvider {
  return { read: async () => parseVsphereSecret(secretId, await getSecret(secretId, { maxAge: 300 })) };
}
