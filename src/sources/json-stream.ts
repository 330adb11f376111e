/**
 * Splits text holding several JSON values written one after another (`govc object.collect -json` prints one
 * pretty-printed object per result, not NDJSON) into the text of each value and the line it starts on.
 * Returns undefined when the text is not such a sequence, so the caller reports its usual parse error.
 * Hand-written (about 30 lines) rather than a streaming-JSON dependency: the text is already in memory and
 * bounded by the whole-document limit, and only the value boundaries are needed; JSON.parse does the rest.
 */
export function splitConcatenatedJson(text: string): { text: string; line: number }[] | undefined {
  const out: { text: string; line: number }[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) line++;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) {
        start = i;
        startLine = line;
      }
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) out.push({ text: text.slice(start, i + 1), line: startLine });
    } else if (depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      return undefined;
    }
  }
  return depth === 0 && !inString && out.length > 1 ? out : undefined;
}
