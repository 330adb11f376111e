import { createHash, timingSafeEqual } from 'node:crypto';

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function presentedBearer(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

/** Constant-time comparison; hashing first makes the lengths equal without leaking the real length. */
export function sameSecret(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Whether the header carries exactly the expected token. */
export function bearerMatches(authorization: string | undefined, expected: string): boolean {
  const presented = presentedBearer(authorization);
  return presented !== undefined && sameSecret(presented, expected);
}
