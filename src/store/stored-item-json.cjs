// The top level of an item as the embedded store (dynalite) keeps it, read from its stored bytes without parsing it.
// Plain CommonJS: the store's child process loads it without a TypeScript loader.
//
// Why, and why by hand: dynalite keeps each item as the JSON text of its DynamoDB form (`{"pk":{"S":"VM#…"},"e":{"S":
// "{\"id\":…}"},…}`, written by JSON.stringify). To answer a Scan it parsed every item taken, projected the object and
// stringified the answer again, about a second of the store process's CPU for the 105,000 events of a 100,000-VM fleet
// read, most of it decoding and re-escaping each event's JSON text held in a string attribute. The answer wants the
// same bytes back (JSON.stringify of a parsed JSON.stringify output is that output), so the key scan copies each
// item's members as stored, and only needs to know where each top-level member starts and ends, its name, and the item
// size dynalite's 1 MB page rule counts. No JSON library gives member offsets, hence this small reader. It accepts only
// what JSON.stringify writes (no whitespace, only its escapes, valid UTF-8, AttributeValues of one member, values
// other than strings as it spells them); anything else, a duplicate name included, is refused and the caller parses
// the item the way dynalite does, so a malformed item fails as it did and another spelling is sent as dynalite's.
'use strict';

const { isUtf8 } = require('node:buffer');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;

/** Members compared pairwise for a repeated name; past that, a Set of the names. */
const FEW_MEMBERS = 16;

const ONE_LETTER = [];
for (const c of 'SNBML') ONE_LETTER[c.charCodeAt(0)] = c;

/**
 * The bytes after a backslash that JSON.stringify writes: `"`, `\`, b, f, n, r, t (u is checked apart). Not `/`: valid
 * JSON, but dynalite's answer would hold `/` itself, and a stored item is only sent as it is when its bytes are the
 * ones dynalite would send.
 */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;

/** Lowercase hex digit bytes (JSON.stringify writes no other), or -1. */
function hexValue(b) {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/** The code unit of the `\uXXXX` escape at `i` (its backslash) when its digits are lowercase hex, or -1. */
function escapedUnit(buf, i) {
  let unit = 0;
  for (let k = 2; k < 6; k++) {
    const d = hexValue(buf[i + k]);
    if (d < 0) return -1;
    unit = unit * 16 + d;
  }
  return unit;
}

/**
 * Whether the `\uXXXX` escape at `i` is one JSON.stringify writes: a control character without a short escape, or a
 * lone surrogate (a pair is written as its UTF-8 bytes, so a high one followed by an escaped low one is not). Any
 * other spelling decodes to the same text but is not the text dynalite would send.
 */
function isStringifyEscape(buf, i) {
  const unit = escapedUnit(buf, i);
  if (unit < 0) return false;
  if (unit < 0x20) return unit !== 0x08 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0c && unit !== 0x0d;
  if (unit < 0xd800 || unit > 0xdfff) return false;
  if (unit >= 0xdc00) return true;
  if (buf[i + 6] !== BACKSLASH || buf[i + 7] !== 0x75) return true;
  const next = escapedUnit(buf, i + 6);
  return !(next >= 0xdc00 && next <= 0xdfff);
}

/**
 * The string whose opening quote is at `i`: returns the index of its closing quote, or -1 when it is not a valid JSON
 * string. `units[0]` gets its decoded length in UTF-16 code units (what dynalite's item size counts) when every byte is
 * ASCII (each escape decodes to one unit, `\uXXXX` included), or -1 when it holds other bytes (then the caller decodes
 * it); `units[1]` is set to 1 when it holds other bytes (the caller checks the item is valid UTF-8).
 */
function stringEnd(buf, i, units) {
  let n = 0;
  let ascii = true;
  const end = buf.length;
  i++;
  while (i < end) {
    const b = buf[i];
    if (b === QUOTE) {
      units[0] = ascii ? n : -1;
      return i;
    }
    if (b === BACKSLASH) {
      const e = buf[i + 1];
      if (e === 0x75) {
        if (!isStringifyEscape(buf, i)) return -1;
        i += 6;
      } else if (e !== undefined && SIMPLE_ESCAPE[e] === 1) i += 2;
      else return -1;
      n++;
      continue;
    }
    // A control character must be escaped in JSON.
    if (b < 0x20) return -1;
    if (b >= 0x80) {
      ascii = false;
      units[1] = 1;
    }
    n++;
    i++;
  }
  return -1;
}

/** The end (exclusive) of the JSON value at `i` inside an AttributeValue, or -1; strings skipped quote-aware. */
function valueEnd(buf, i, units) {
  const b = buf[i];
  if (b === QUOTE) {
    const close = stringEnd(buf, i, units);
    return close < 0 ? -1 : close + 1;
  }
  if (b === OPEN || b === OPEN_LIST) {
    let depth = 0;
    const end = buf.length;
    while (i < end) {
      const c = buf[i];
      if (c === QUOTE) {
        const close = stringEnd(buf, i, units);
        if (close < 0) return -1;
        i = close + 1;
        continue;
      }
      if (c === OPEN || c === OPEN_LIST) depth++;
      else if (c === CLOSE || c === CLOSE_LIST) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  // true, false, null, a number: up to the next delimiter (JSON.parse of the AttributeValue checks it).
  const end = buf.length;
  while (i < end) {
    const c = buf[i];
    if (c === COMMA || c === CLOSE || c === CLOSE_LIST) return i;
    i++;
  }
  return -1;
}

/** A member name's text: plain ASCII without escapes read directly, anything else decoded as JSON. */
function nameOf(buf, open, close) {
  for (let i = open + 1; i < close; i++) {
    const b = buf[i];
    if (b === BACKSLASH || b >= 0x80) return JSON.parse(buf.toString('utf8', open, close + 1));
  }
  return buf.toString('latin1', open + 1, close);
}

/**
 * The names last read at each member position, with their bytes: the items of a table mostly share their names in
 * the same order (an event item's pk, sk, e, at, expiresAt), so a name is compared with the one before it at its place
 * instead of built again (a string per member of every item taken, most of the reader's garbage).
 */
const lastNames = [];
const lastNameBytes = [];

/** The name whose JSON text (quotes included) spans `open`..`close` of `buf`, at member position `k`. */
function memberName(buf, open, close, k) {
  const known = lastNameBytes[k];
  if (known !== undefined && known.length === close - open - 1) {
    let same = true;
    for (let i = 0; i < known.length; i++)
      if (known[i] !== buf[open + 1 + i]) {
        same = false;
        break;
      }
    if (same) return lastNames[k];
  }
  const name = nameOf(buf, open, close);
  if (k < 64) {
    lastNames[k] = name;
    lastNameBytes[k] = Buffer.from(buf.subarray(open + 1, close));
  }
  return name;
}

/**
 * The members of a stored item: for each, its name, where it starts (its name's opening quote) and ends (after its
 * AttributeValue), its type (the AttributeValue's one member name) and, for a string of ASCII bytes, its decoded
 * length. Undefined when the bytes are not a JSON.stringify'd object of AttributeValues with distinct names.
 */
function readMembers(buf) {
  if (buf[0] !== OPEN) return undefined;
  const members = [];
  // The decoded length of the string last read, and whether any string held bytes other than ASCII.
  const units = [0, 0];
  // The names read, once an item has many: a hostile item of 28,000 members took 1.3 s compared pairwise.
  let seen;
  let i = 1;
  if (buf[i] === CLOSE) return i + 1 === buf.length ? members : undefined;
  for (;;) {
    if (buf[i] !== QUOTE) return undefined;
    const nameClose = stringEnd(buf, i, units);
    if (nameClose < 0 || buf[nameClose + 1] !== COLON || buf[nameClose + 2] !== OPEN) return undefined;
    const start = i;
    const name = memberName(buf, i, nameClose, members.length);
    // The AttributeValue: `{"<type>":<value>}`.
    const typeOpen = nameClose + 3;
    if (buf[typeOpen] !== QUOTE) return undefined;
    const typeClose = stringEnd(buf, typeOpen, units);
    if (typeClose < 0 || buf[typeClose + 1] !== COLON) return undefined;
    // Most types are one letter (S, N, B, M, L): no string built for them.
    const type = typeClose === typeOpen + 2 ? ONE_LETTER[buf[typeOpen + 1]] : nameOf(buf, typeOpen, typeClose);
    if (type === undefined) return undefined;
    const valueStart = typeClose + 2;
    const isString = buf[valueStart] === QUOTE;
    // dynalite counts a string attribute by its value's length: of anything but a string, not the decoded length
    // of the strings inside it.
    if (type === 'S' && !isString) return undefined;
    units[0] = -1;
    const valueStop = valueEnd(buf, valueStart, units);
    if (valueStop < 0 || buf[valueStop] !== CLOSE) return undefined;
    const end = valueStop + 1;
    if (members.length < FEW_MEMBERS) {
      for (const m of members) if (m.name === name) return undefined;
    } else {
      seen ??= new Set(members.map((m) => m.name));
      if (seen.has(name)) return undefined;
      seen.add(name);
    }
    const member = {
      name,
      start,
      end,
      type,
      avStart: nameClose + 2,
      valueStart,
      valueEnd: valueStop,
      units: type === 'S' ? units[0] : -1,
      av: undefined,
    };
    // A value that is not one string (a map, a list, a set, a boolean) is only delimited above: sent as stored only
    // when it is what JSON.stringify writes of it (no whitespace, no other number spelling, a map's keys distinct and
    // in V8's order). Its size needs it parsed anyway.
    if (!isString && !stringifiedAttributeValue(buf, member)) return undefined;
    members.push(member);
    if (buf[end] === CLOSE) return end + 1 === buf.length && validText(buf, units) ? members : undefined;
    if (buf[end] !== COMMA) return undefined;
    i = end + 1;
  }
}

/** A member's AttributeValue, parsed (JSON.parse checks what the reader above only delimited). */
function attributeValue(buf, member) {
  return member.av ?? JSON.parse(buf.toString('utf8', member.avStart, member.end));
}

/**
 * Whether a member's AttributeValue is stored as JSON.stringify writes it (then kept parsed on the member): one that
 * is not, or is nested too deep to stringify, is parsed with its item as dynalite does.
 */
function stringifiedAttributeValue(buf, member) {
  const text = buf.toString('utf8', member.avStart, member.end);
  try {
    const av = JSON.parse(text);
    if (JSON.stringify(av) !== text) return false;
    member.av = av;
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the item's bytes are valid UTF-8, checked when a string held bytes other than ASCII: dynalite decodes a bad
 * sequence to U+FFFD and sends that, so such an item is not sent as stored.
 */
function validText(buf, units) {
  return units[1] === 0 || isUtf8(buf);
}

/** A string member's decoded length in UTF-16 units. */
function stringUnits(buf, member) {
  return member.units >= 0 ? member.units : attributeValue(buf, member).S.length;
}

/**
 * dynalite's size of the stored item (db.itemSize(item, true, true, rangeKey), what its Scan pages count), from its
 * members: string attributes from their decoded length, others through dynalite's own function on that attribute
 * alone (`itemSize({a: v}, true)` is the attribute's compressed size plus one for its name). `itemSize` is dynalite's.
 */
function storedItemSize(buf, members, rangeKey, itemSize) {
  let size = 0;
  let rangeKeySize = 0;
  for (const m of members) {
    if (m.type === 'S') {
      const n = stringUnits(buf, m);
      if (m.name === rangeKey) rangeKeySize = n;
      else size += n + (n < 128 ? 1 : n < 16384 ? 2 : 3) + 1;
    } else if (m.name === rangeKey) {
      // A range key is a string, a number or binary: dynalite counts it uncompressed, apart.
      rangeKeySize = rangeKeyUncompressed(attributeValue(buf, m), itemSize);
    } else {
      const n = m.type === 'N' ? integerSize(buf, m) : -1;
      size += n >= 0 ? n + 2 : itemSize({ a: attributeValue(buf, m) }, true, false);
    }
  }
  return 2 + size + (1 + Math.floor((1 + size) / 3072)) * (18 + rangeKeySize);
}

const INTEGER = /^-?[1-9][0-9]{0,37}$/;

/**
 * dynalite's size of a number (valSize: 1 + half its significant digits, rounded up, + 1 for an even count of digits
 * at an even exponent, + 1 when negative) for the integers events carry (`at`, `expiresAt`); -1 for any other
 * spelling, which dynalite's own Big-based function then measures.
 */
function integerSize(buf, member) {
  if (buf[member.valueStart] !== QUOTE || member.valueEnd - member.valueStart > 41) return -1;
  const text = buf.toString('latin1', member.valueStart + 1, member.valueEnd - 1);
  if (!INTEGER.test(text)) return -1;
  const negative = text.charCodeAt(0) === 0x2d;
  const length = text.length - (negative ? 1 : 0);
  let digits = length;
  while (text.charCodeAt(text.length - 1 - (length - digits)) === 0x30) digits--;
  const exponent = length - 1;
  return 1 + Math.ceil(digits / 2) + (digits % 2 || exponent % 2 ? 0 : 1) + (negative ? 1 : 0);
}

/** The uncompressed size of a range key value (valSize), read off dynalite's itemSize without compression. */
function rangeKeyUncompressed(value, itemSize) {
  // itemSize(item) uncompressed is the value's size plus the name's length: a one-letter name.
  return itemSize({ a: value }) - 1;
}

/** Whether `name` is an array index (V8 orders such keys first, ascending, in every object). */
function isIndexKey(name) {
  if (name.length === 0 || name.length > 10) return false;
  if (name === '0') return true;
  if (!/^[1-9][0-9]*$/.test(name)) return false;
  return Number(name) <= 4294967294;
}

/**
 * The members to send, in the order JSON.stringify gives the object dynalite would build: the projected names that
 * the item holds, in the projection's order (the item's own order when there is no projection), array-index names
 * first in ascending order. `names`: the projection's top-level names, or undefined for the whole item.
 */
function membersToSend(members, names) {
  let picked;
  if (names === undefined) picked = members;
  else {
    picked = [];
    for (const name of names) {
      const m = members.find((x) => x.name === name);
      if (m !== undefined && !picked.includes(m)) picked.push(m);
    }
  }
  if (!picked.some((m) => isIndexKey(m.name))) return picked;
  const index = picked.filter((m) => isIndexKey(m.name)).sort((a, b) => Number(a.name) - Number(b.name));
  return [...index, ...picked.filter((m) => !isIndexKey(m.name))];
}

/**
 * A page's items as the bytes to send: each taken item's stored bytes and the byte ranges to send of it (runs of
 * members next to each other in the stored item, with the comma between them, as one range), or a text built as
 * dynalite builds it. Copied into the answer by the answer hook (encoded-answers.cjs), comma-separated. The ranges
 * are kept as numbers in one list, not as the members read: what a page keeps alive until it is sent is then the
 * stored bytes and that list (the in-process key scan of the 100,000-VM store's events: 1.4–1.7 s → 0.8–1.3 s of CPU
 * with the names above, three rounds alternated).
 */
class ItemBytes {
  constructor() {
    this.values = [];
    // Per item: how many ranges it has (-1: the value is a text to send whole); then its ranges, start and end each.
    this.ranges = [];
    this.byteLength = 0;
  }
  /** A stored item, `members` of it sent (in that order). */
  add(value, members) {
    const ranges = this.ranges;
    const at = ranges.length;
    ranges.push(0);
    let n = 2 + (this.values.length > 0 ? 1 : 0);
    for (let k = 0; k < members.length; k++) {
      const start = members[k].start;
      let end = members[k].end;
      while (k + 1 < members.length && members[k + 1].start === end + 1) end = members[++k].end;
      ranges.push(start, end);
      ranges[at]++;
      n += end - start;
    }
    this.byteLength += n + Math.max(0, ranges[at] - 1);
    this.values.push(value);
  }
  /** An item's text, whole. */
  addText(bytes) {
    this.values.push(bytes);
    this.ranges.push(-1);
    this.byteLength += bytes.length + (this.values.length > 1 ? 1 : 0);
  }
  /** Writes the items into `target` from `at`; returns where they end. */
  copyTo(target, at) {
    const ranges = this.ranges;
    let r = 0;
    for (let i = 0; i < this.values.length; i++) {
      if (i > 0) target[at++] = COMMA;
      const value = this.values[i];
      const count = ranges[r++];
      if (count < 0) {
        at += value.copy(target, at);
        continue;
      }
      target[at++] = OPEN;
      for (let k = 0; k < count; k++, r += 2) {
        if (k > 0) target[at++] = COMMA;
        at += value.copy(target, at, ranges[r], ranges[r + 1]);
      }
      target[at++] = CLOSE;
    }
    return at;
  }
}

module.exports = { readMembers, storedItemSize, membersToSend, attributeValue, isIndexKey, ItemBytes };
