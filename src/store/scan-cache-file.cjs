// The store child's scan cache (scan-cache.cjs) kept from one command to the next, in a file of the data folder.
// Plain CommonJS: the store's child process loads it without a TypeScript loader.
//
// Why a stamp is enough: only one process opens a LevelDB folder at a time (its LOCK), and every open starts a new
// log file under a file number never used before (LevelDB writes each write to that log and never reuses a number).
// So the folder's listing (each entry's name, type, size, inode, modification and change times) after a process closed
// LevelDB changes as soon as any process opens it again, whether it writes or not, and whatever it is (an older
// hyperaudit, a child killed before its close, a compaction on open). The cache is written after LevelDB is closed,
// stamped with that listing, and read back only when the listing before the next open is exactly the stamp. Files
// that change without a write (compaction on open) change the listing, so they cost a miss, never a stale answer.
//
// Two races are closed with LevelDB's info log (`LOG`), which every open, even one refused by the lock, renames to
// `LOG.old` before it touches anything else and then creates anew:
// - another process could open, write and close between this child's read of the stamp and its own open. After the
//   open, `LOG.old` must be the `LOG` read with the stamp (same inode and size), or the loaded entries are dropped.
// - another process could open the folder between this child's close and its stamp. The stamp is written only when
//   `LOG` is still the one this child's open created.
//
// The answers' bytes live in files of their own (`dynalite-scan-cache-<random>.answers`), written once: a command
// appends the answers it keeps to a new one, and at its close only the small index (`dynalite-scan-cache`: stamps,
// requests, where each answer's bytes are, their CRC-32) is written again. An unchanged fleet's audit so rewrites a few
// kilobytes, not the 55–130 MB of answers; an answer is read back into the store's reused answer buffers when asked
// for, and sent only when its CRC-32 is the one the index holds.
//
// A file that is not exactly what this writes (truncated, foreign, planted, larger than the cap, a symlink) is ignored;
// each is opened without following a symlink, answer files are named only by the index's pattern inside the data
// folder, and the index is written to a temporary file opened the same way, then renamed.
'use strict';

const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const { join, dirname } = require('node:path');
const zlib = require('node:zlib');

const MAGIC = Buffer.from('hyperaudit scan cache 1\n');
/** The header (request keys, stamp) is small beside the answers; a larger one is refused unread. */
const HEADER_BYTES = 16 * 1024 * 1024;
const FILE_NAME = 'dynalite-scan-cache';
const TEMP_NAME = `${FILE_NAME}.tmp`;

/** The cache file of a LevelDB folder: in the data folder that holds it (`<data dir>/dynalite`). */
function cacheFilePath(levelDir) {
  return join(dirname(levelDir), FILE_NAME);
}

/**
 * What the answers were computed by: the modules that write them and dynalite's version. A file written by other code
 * is not used, even on an unchanged folder.
 */
function codeStamp() {
  const hash = createHash('sha256');
  for (const name of ['dynalite-key-scan.cjs', 'stored-item-json.cjs', 'encoded-answers.cjs', 'scan-cache.cjs']) {
    hash.update(fs.readFileSync(join(__dirname, name)));
  }
  const dynalitePackage = require.resolve('dynalite/package.json', { paths: [require.resolve('dynalite')] });
  hash.update(JSON.parse(fs.readFileSync(dynalitePackage, 'utf8')).version);
  return hash.digest('hex');
}

/**
 * The LevelDB folder's listing: each entry's name, type, size, inode, and its modification and change times in
 * nanoseconds, sorted by name. Name, size and inode alone match a file rewritten in place (`cp` over an existing file
 * keeps its inode): another store's files of the same names and sizes copied over these. Its change time moves at any
 * such write and cannot be set back (`cp -a` and `touch` set the modification time only).
 */
function levelStamp(levelDir) {
  const lines = [];
  for (const name of fs.readdirSync(levelDir).sort()) {
    const s = fs.lstatSync(join(levelDir, name), { bigint: true });
    const type = s.isFile() ? 'f' : s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : 'o';
    lines.push(`${name}\t${type}\t${s.size}\t${s.ino}\t${s.mtimeNs}\t${s.ctimeNs}`);
  }
  return lines.join('\n');
}

/**
 * LevelDB's info log file `name` (LOG or LOG.old), or undefined when it is not a file: its inode, and its size unless
 * `inodeOnly` (LevelDB keeps writing to its own LOG while open; a renamed one no longer changes).
 */
function infoLog(levelDir, name, inodeOnly = false) {
  try {
    const s = fs.lstatSync(join(levelDir, name), { bigint: true });
    if (!s.isFile()) return undefined;
    return inodeOnly ? String(s.ino) : `${s.ino}:${s.size}`;
  } catch {
    return undefined;
  }
}

const ANSWERS_NAME = /^dynalite-scan-cache-[0-9a-f]{24}\.answers$/;
/** Answer files one index may name. */
const MAX_FILES = 64;

/**
 * The answers' files of one data folder, opened once and kept open (a file replaced by name is not read). Their bytes
 * can still be rewritten in place: each answer is checked against its CRC-32 when read back.
 */
class AnswerFiles {
  /** `take`/`give`: the store's reused answer buffers (encoded-answers.cjs). */
  constructor(dataDir, capBytes, take, give) {
    this.dataDir = dataDir;
    this.capBytes = capBytes;
    this.take = take;
    this.give = give;
    /** This command's file, created at its first answer kept. */
    this.spool = undefined;
    this.spooled = 0;
    this.broken = false;
  }

  /** Appends an answer to this command's file: its location `{ file, offset }`, or undefined when not kept. */
  keep(bytes) {
    if (this.broken || this.spooled + bytes.length > this.capBytes) return undefined;
    try {
      if (this.spool === undefined) {
        const name = `dynalite-scan-cache-${randomBytes(12).toString('hex')}.answers`;
        const flags = fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
        this.spool = { name, fd: fs.openSync(join(this.dataDir, name), flags, 0o600), size: 0 };
      }
      const at = { file: this.spool, offset: this.spool.size };
      writeAll(this.spool.fd, bytes, this.spool.size);
      this.spool.size += bytes.length;
      this.spooled += bytes.length;
      return at;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  /** An answer's bytes read back into a reused buffer (`{ bytes, buffer, verified: false }`), or undefined. */
  read(at, length) {
    const buffer = this.take(length);
    if (!readAll(at.file.fd, buffer, length, at.offset)) {
      this.give(buffer);
      return undefined;
    }
    return { bytes: buffer.subarray(0, length), buffer, verified: false };
  }
}

/** Reads `length` bytes at `position` into `buffer`: whether all of them were there (a short file, an error: not). */
function readAll(fd, buffer, length, position) {
  try {
    for (let n = 0; n < length; ) {
      const got = fs.readSync(fd, buffer, n, length - n, position + n);
      if (got === 0) return false;
      n += got;
    }
    return true;
  } catch {
    return false;
  }
}

function writeAll(fd, bytes, position) {
  for (let at = 0; at < bytes.length; ) {
    at += fs.writeSync(fd, bytes, at, bytes.length - at, position === undefined ? null : position + at);
  }
}

function isEntry(e, files) {
  return (
    e !== null &&
    typeof e === 'object' &&
    typeof e.key === 'string' &&
    typeof e.table === 'string' &&
    typeof e.hash === 'string' &&
    (e.range === null || typeof e.range === 'string') &&
    Number.isSafeInteger(e.file) &&
    e.file >= 0 &&
    e.file < files.length &&
    Number.isSafeInteger(e.offset) &&
    e.offset >= 0 &&
    Number.isSafeInteger(e.length) &&
    e.length >= 0 &&
    e.offset + e.length <= files[e.file].size &&
    Number.isInteger(e.crc) &&
    e.crc >= 0 &&
    e.crc <= 0xffffffff
  );
}

/** Opens a regular file without following a symlink: `{ fd, size }`, or undefined. */
function openRegular(path) {
  let fd;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const s = fs.fstatSync(fd);
    if (s.isFile()) return { fd, size: s.size };
  } catch {}
  if (fd !== undefined) fs.closeSync(fd);
  return undefined;
}

/** Reads a file of at most `maxBytes` without following a symlink; undefined when it is missing or not such a file. */
function readRegularFile(path, maxBytes) {
  const file = openRegular(path);
  if (file === undefined) return undefined;
  try {
    if (file.size > maxBytes) return undefined;
    const buffer = Buffer.allocUnsafe(file.size);
    return readAll(file.fd, buffer, file.size, 0) ? buffer : undefined;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(file.fd);
  }
}

/** The parsed index of `levelDir`'s cache, or undefined when it is not one this code wrote. */
function readIndex(levelDir) {
  const file = readRegularFile(cacheFilePath(levelDir), MAGIC.length + HEADER_BYTES);
  if (file === undefined || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  try {
    const index = JSON.parse(file.toString('utf8', MAGIC.length));
    return index !== null && typeof index === 'object' ? index : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The entries of the cache of `levelDir`, read before LevelDB is opened, when its stamps are this code's and this
 * folder's exactly: `{ entries: [{ key, table, hash, range, at, length, crc }], log }` (`log`: the info log the stamp
 * saw, for `openedAfter`), or undefined. The answer files it names are opened in `answerFiles`.
 */
function readCacheFile(levelDir, answerFiles) {
  const index = readIndex(levelDir);
  if (index === undefined || !Array.isArray(index.files) || !Array.isArray(index.entries)) return undefined;
  const log = infoLog(levelDir, 'LOG');
  if (log === undefined || index.code !== codeStamp() || index.level !== levelStamp(levelDir)) return undefined;
  if (index.files.length > MAX_FILES) return undefined;
  const files = [];
  const close = () => {
    for (const f of files) fs.closeSync(f.fd);
    return undefined;
  };
  let fileBytes = 0;
  for (const f of index.files) {
    if (f === null || typeof f !== 'object' || typeof f.name !== 'string' || !ANSWERS_NAME.test(f.name)) return close();
    if (files.some((g) => g.name === f.name)) return close();
    const opened = openRegular(join(dirname(levelDir), f.name));
    if (opened === undefined) return close();
    files.push({ name: f.name, fd: opened.fd, size: opened.size });
    fileBytes += opened.size;
    if (opened.size !== f.size || fileBytes > 2 * answerFiles.capBytes) return close();
  }
  if (!index.entries.every((e) => isEntry(e, files))) return close();
  let total = 0;
  for (const e of index.entries) total += e.length;
  if (total > answerFiles.capBytes) return close();
  const entries = index.entries.map((e) => ({
    key: e.key,
    table: e.table,
    hash: e.hash,
    range: e.range ?? undefined,
    at: { file: files[e.file], offset: e.offset },
    length: e.length,
    crc: e.crc,
  }));
  return { entries, log };
}

/** Whether LevelDB's open came right after the stamp was read: its `LOG.old` is the `LOG` seen then (`log`). */
function openedAfter(levelDir, log) {
  return infoLog(levelDir, 'LOG.old') === log;
}

/** The info log this process's open created (`LOG`), to check before writing the file (`writeCacheFile`). */
function ownInfoLog(levelDir) {
  return infoLog(levelDir, 'LOG', true);
}

/**
 * Writes the cache of `levelDir` after LevelDB is closed: the index of `entries` (`{ key, table, hash, range, at,
 * length, crc }`, their bytes in `answerFiles`), and a new answer file holding the live answers alone when the files
 * they are in hold more than twice their bytes. `ownLog`: the info log this process's open created; when `LOG` is
 * another (a process opened the folder since), nothing is written. Answer files no entry names are removed. Whether
 * the index was written.
 */
function writeCacheFile(levelDir, entries, ownLog, answerFiles) {
  const dataDir = dirname(levelDir);
  const level = levelStamp(levelDir);
  if (ownLog === undefined || infoLog(levelDir, 'LOG', true) !== ownLog) return false;
  let live = 0;
  const used = new Set();
  for (const e of entries) {
    live += e.length;
    used.add(e.at.file);
  }
  let fileBytes = 0;
  for (const f of used) fileBytes += f.size;
  if (fileBytes > 2 * live || used.size > MAX_FILES) entries = compacted(entries, answerFiles);
  const files = [...new Set(entries.map((e) => e.at.file))];
  const index = Buffer.from(
    JSON.stringify({
      code: codeStamp(),
      level,
      files: files.map((f) => ({ name: f.name, size: f.size })),
      entries: entries.map((e) => ({
        key: e.key,
        table: e.table,
        hash: e.hash,
        range: e.range ?? null,
        file: files.indexOf(e.at.file),
        offset: e.at.offset,
        length: e.length,
        crc: e.crc,
      })),
    }),
  );
  const path = cacheFilePath(levelDir);
  if (entries.length === 0 || index.length > HEADER_BYTES) fs.rmSync(path, { force: true });
  else {
    const temp = join(dataDir, TEMP_NAME);
    fs.rmSync(temp, { force: true });
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
    const fd = fs.openSync(temp, flags, 0o600);
    try {
      writeAll(fd, MAGIC);
      writeAll(fd, index);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path);
  }
  const kept = new Set(entries.length === 0 ? [] : files.map((f) => f.name));
  for (const name of fs.readdirSync(dataDir)) {
    if (ANSWERS_NAME.test(name) && !kept.has(name)) fs.rmSync(join(dataDir, name), { force: true });
  }
  return entries.length > 0;
}

/** The entries with their answers copied, one after another, into a new answer file (`answerFiles.keep`). */
function compacted(entries, answerFiles) {
  answerFiles.spool = undefined;
  answerFiles.spooled = 0;
  const out = [];
  for (const e of entries) {
    const read = answerFiles.read(e.at, e.length);
    if (read === undefined) continue;
    const at = zlib.crc32(read.bytes) === e.crc ? answerFiles.keep(read.bytes) : undefined;
    answerFiles.give(read.buffer);
    if (at !== undefined) out.push({ ...e, at });
  }
  return out;
}

module.exports = { AnswerFiles, cacheFilePath, levelStamp, readCacheFile, openedAfter, ownInfoLog, writeCacheFile };
