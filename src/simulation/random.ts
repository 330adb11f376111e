/**
 * Seeded randomness, hand-written (no PRNG package is a dependency): mulberry32 for sequential streams and a
 * counter-based hash for draws that must not depend on iteration order. Draws keyed by (seed, entity, trial)
 * make a per-cluster run produce exactly the figures the whole-fleet run gives for that cluster.
 */

/** FNV-1a over UTF-16 code units; stable key for an entity id. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: good avalanche, cheap. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Uniform in [0, 1) determined only by its three keys. */
export function uniformAt(seed: number, key: number, counter: number): number {
  return uniformFromParts(keyPart(seed, key), counterPart(counter));
}

/**
 * `uniformAt` in its two halves, for callers drawing the same keys at many counters (each host at every trial):
 * the half of the (seed, key) pair is computed once instead of at every draw; the result is the same number.
 */
export function keyPart(seed: number, key: number): number {
  return fmix32((seed ^ Math.imul(key, 0x9e3779b1)) >>> 0);
}

export function counterPart(counter: number): number {
  return Math.imul(counter + 0x632be5ab, 0x85ebca77);
}

export function uniformFromParts(keyHalf: number, counterHalf: number): number {
  return fmix32((keyHalf ^ counterHalf) >>> 0) / 4294967296;
}

/** mulberry32 (Tommy Ettinger, public domain): a 32-bit state stream, fine for synthesising noise. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
