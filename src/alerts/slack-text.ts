/**
 * Turning untrusted strings (VM and host names, rule titles, evidence) into Slack mrkdwn that cannot
 * mention a channel, open a link or break the layout.
 */

// Control characters (C0, DEL, C1) and line/paragraph separators could break the one-line-per-item
// layout or hide text; bidi overrides could make a name read differently than it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters in untrusted text is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// Slack turns these into pings when link_names is on or when pasted as-is; a word joiner after `@` keeps
// the text readable while no longer matching.
const BROADCAST = /@(channel|here|everyone)\b/gi;

/** Escapes &, <, > as Slack requires and neutralises @channel/@here/@everyone. One line, no control chars. */
export function slackEscape(value: string): string {
  return value
    .replace(UNSAFE_CHARS, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BROADCAST, '@\u2060$1');
}

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair, marking the cut with …. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  let cut = max - 1;
  const code = value.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  // Never cut inside an entity we produced (e.g. `&am`), which Slack would show half-escaped.
  const amp = value.lastIndexOf('&', cut - 1);
  if (amp !== -1 && amp > cut - 6 && value.indexOf(';', amp) >= cut) cut = amp;
  return `${value.slice(0, cut)}…`;
}

/** Escaped, truncated user data for a single line of a section. */
export function slackField(value: string, max = 200): string {
  return truncate(slackEscape(value), max);
}

/** A mrkdwn link whose URL cannot close the link or carry a label of its own (`escaped`: the label already is). */
export function slackLink(url: string, label: string, options: { escaped?: boolean } = {}): string {
  const safeUrl = url
    .replace(UNSAFE_CHARS, '')
    .replace(/[|<> ]/g, (c) => encodeURIComponent(c))
    .replace(/&/g, '&amp;');
  return `<${safeUrl}|${options.escaped ? label : slackEscape(label)}>`;
}
