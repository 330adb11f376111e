import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time token check; hashing first makes the lengths equal without leaking the real length. */
export function bearerMatches(authorization: string | undefined, expected: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (presented === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
