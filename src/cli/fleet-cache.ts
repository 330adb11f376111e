import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { request } from 'node:http';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import type { Fleet } from '../model/fleet';
import { decodeFleet, encodeFleet } from '../store/fleet-bytes';
import type { FleetCache } from '../store/types';
import { readPrivateFile, writePrivateFile } from './code-cache';

/**
 * The fleet a local store's command folded, kept in the data folder (`fleet-cache`) for the next command that reads
 * the same items: at 100,000 VMs an unchanged fleet's audit read and folded 55 MB of items again (about 2 s of CPU of
 * its 8) to get the fleet it had the time before.
 *
 * It is exact for the same reasons as the store child's scan cache, whose watch it is keyed by (scan-watch.cjs): the
 * token changes at every write to an item the fleet's Scan takes, whoever makes it (another command, an older
 * hyperaudit: the child's stamps see any open of the folder). A fleet is kept only when the token was the same before
 * and after it was read and the read left no item out as dated too far ahead; it is given again only under the same
 * token, to the same build of hyperaudit and Node (`codeStamp`), at a future cutoff no earlier than its own (an item it
 * held is then still state). The file is this user's own, as the code cache's files are, and bytes that do not decode
 * to a fleet are a miss. `HYPERAUDIT_FLEET_CACHE=off` keeps none (a baseline, debugging).
 */
const FILE_NAME = 'fleet-cache';
const MAGIC = Buffer.from('hyperaudit fleet cache 1\n');
/** The 100,000-VM fleet is 26 MB; one over this is not kept (and a file over it is not read). */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
const MAX_HEADER_BYTES = 4096;
const TOKEN = /^[0-9a-f]{32}$/;
/** The store child's route (src/store/scan-watch.cjs exports the same name; requiring it here would load dynalite). */
const WATCH_TARGET = 'HyperauditStore.WatchScan';
/** The watch is one lookup in the store's child; a child that does not answer in this long is a miss, not a wait. */
const WATCH_TIMEOUT_MS = 30_000;
const MAX_ANSWER_BYTES = 4096;

interface Header {
  token: string;
  code: string;
  cutoffMs: number;
  /** CRC-32 of the fleet's bytes: a file damaged on disk may still decode, to another fleet. */
  crc: number;
}

/** The build this process runs: the fleet's fold may differ in any other. Undefined when not run from a build. */
export function fleetCacheCodeStamp(): string | undefined {
  // In a build (dist/ or its bundles) this is dist/cli/fleet-cache.js; run from src/ through tsx, a .ts file whose
  // neighbours may have changed since any stamp: no cache then.
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.js')) return undefined;
  try {
    const built = join(dirname(here), '..', 'BUILT');
    const s = statSync(built);
    return createHash('sha256')
      .update(`${process.version}|${process.versions.v8}|${s.ino}|${s.size}|${s.mtimeMs}|`)
      .update(readFileSync(built))
      .digest('hex');
  } catch {
    return undefined;
  }
}

export interface LocalFleetCacheOptions {
  dataDir: string;
  /** The store child's endpoint, which answers watches. */
  endpoint: string;
  codeStamp: string;
}

/** The fleet cache of a local store (see the top of this file). */
export function localFleetCache(options: LocalFleetCacheOptions): FleetCache {
  const path = join(resolve(options.dataDir), FILE_NAME);
  return {
    watch: (scan) => watchToken(options.endpoint, scan),
    read(token, cutoffMs) {
      // Like a write, a read never fails the command: a file it cannot use is a miss.
      try {
        const bytes = readPrivateFile(path, MAX_FILE_BYTES);
        const body = bytes === undefined ? undefined : bodyOf(bytes, { token, code: options.codeStamp, cutoffMs });
        return body === undefined ? undefined : decodeFleet(body);
      } catch {
        return undefined;
      }
    },
    write(token, cutoffMs, fleet: Fleet) {
      // A cache is never a reason for the command to fail: a fleet it cannot keep is read again next time.
      try {
        writeFleetFile(path, { token, code: options.codeStamp, cutoffMs }, fleet);
      } catch {
        // Not kept.
      }
    },
  };
}

/** Writes `fleet` to the cache file at `path` under `header`; nothing when it cannot be kept as it is, or is too large. */
function writeFleetFile(path: string, header: Omit<Header, 'crc'>, fleet: Fleet): void {
  const body = encodeFleet(fleet);
  if (body === undefined) return;
  const head = Buffer.from(JSON.stringify({ ...header, crc: crc32(body) } satisfies Header));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  const total = MAGIC.length + 4 + head.length + body.length;
  if (total > MAX_FILE_BYTES) return;
  removeLeftTemporaries(path);
  writePrivateFile(path, Buffer.concat([MAGIC, length, head, body], total));
}

/**
 * Temporary files a command stopped during its write left beside `path` (`writePrivateFile` names them by process
 * id): 26 MB each at 100,000 VMs, and no later write would reuse the name. Only one command uses a data folder at a
 * time (the store's lock), so none of them is being written.
 */
function removeLeftTemporaries(path: string): void {
  const name = basename(path);
  const pattern = new RegExp(`^${name}\\.\\d+\\.tmp$`);
  for (const entry of readdirSync(dirname(path))) {
    if (!pattern.test(entry)) continue;
    try {
      unlinkSync(join(dirname(path), entry));
    } catch {
      // Gone already, or not ours to remove: it only takes room.
    }
  }
}

/** The fleet's bytes in a cache file, when its header is `wanted`'s token and code at a cutoff no later than its. */
function bodyOf(bytes: Buffer, wanted: Omit<Header, 'crc'>): Buffer | undefined {
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const length = bytes.readUInt32BE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (length > MAX_HEADER_BYTES || start + length > bytes.length) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8', start, start + length));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const header = parsed as Partial<Header>;
  if (header.token !== wanted.token || header.code !== wanted.code) return undefined;
  if (typeof header.cutoffMs !== 'number' || !(wanted.cutoffMs >= header.cutoffMs)) return undefined;
  const body = bytes.subarray(start + length);
  return crc32(body) === header.crc ? body : undefined;
}

/** The store child's token for the items `scan` takes, or undefined (no token there, or no answer). */
export function watchToken(endpoint: string, scan: Record<string, unknown>): Promise<string | undefined> {
  return new Promise((done) => {
    const req = request(
      endpoint,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': WATCH_TARGET },
        timeout: WATCH_TIMEOUT_MS,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.length > MAX_ANSWER_BYTES) res.destroy();
        });
        res.on('error', () => done(undefined));
        // An answer cut short (too long, the child gone) ends with `close` alone: no `end`, no `error`.
        res.on('close', () => done(undefined));
        res.on('end', () => {
          if (res.statusCode !== 200) return done(undefined);
          try {
            const token = (JSON.parse(text) as { Token?: unknown }).Token;
            done(typeof token === 'string' && TOKEN.test(token) ? token : undefined);
          } catch {
            done(undefined);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(undefined));
    req.end(JSON.stringify(scan));
  });
}
