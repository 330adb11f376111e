import { buildVcsim } from './vcsim';

/** Builds the vCenter simulator once before the suite (about 1.5 min the first time); tests skip when it cannot be. */
export default function setup(): void {
  const why = buildVcsim();
  if (why) console.warn(`vcsim unavailable, vSphere collector tests will skip: ${why}`);
}
