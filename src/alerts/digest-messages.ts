import { getOrCreate } from '../model/get-or-create';
import { SEVERITIES, severityRank, type Severity } from '../model/finding';
import type { Digest, DigestItem } from './digest';
import { SLACK_LIMITS } from './slack-limits';
import { slackEscape, slackField, slackLink, truncate } from './slack-text';

/** The subset of Block Kit the digest uses. */
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji?: boolean } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'divider' };

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

/** One message of a digest plus the fingerprints it announces (for outbox ids and dedup). */
export interface DigestMessage {
  payload: SlackPayload;
  newFingerprints: string[];
  closedFingerprints: string[];
}

export interface DigestMessageOptions {
  reportUrl?: string;
  /** The audit the digest reflects: time, profile, rule pack, newest event (issue 15 item 8). */
  auditLine?: string;
  /** Items listed per rule/severity group before "…and N more". */
  topItems?: number;
  /** Bound on blocks per message (tests lower it to force splitting); never above Slack's 50. */
  maxBlocks?: number;
}

const ICON: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

interface Group {
  kind: 'new' | 'closed';
  severity: Severity;
  ruleId: string;
  items: DigestItem[];
}

function groupItems(kind: Group['kind'], items: readonly DigestItem[]): Group[] {
  const groups = new Map<string, Group>();
  for (const item of items) {
    const key = `${item.severity}\u0000${item.ruleId}`;
    const g = getOrCreate(groups, key, () => ({ kind, severity: item.severity, ruleId: item.ruleId, items: [] }));
    g.items.push(item);
  }
  return [...groups.values()].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      b.items.length - a.items.length ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

/** Resolved, waived and gone findings are good news: one neutral mark, never the severity's red or orange. */
const CLOSED_ICON = ':white_check_mark:';

/** The report's anchor for one finding (the report renders `id="f-<fingerprint>"` on each). */
export function findingAnchorUrl(reportUrl: string, fingerprint: string): string {
  const base = reportUrl.replace(/#.*$/, '');
  return `${base}#f-${encodeURIComponent(fingerprint)}`;
}

function itemLine(item: DigestItem, reportUrl: string | undefined): string {
  const name =
    item.resourceName !== undefined && item.resourceName !== item.resourceId
      ? `${slackField(item.resourceName, 120)} (${slackField(item.resourceId, 80)})`
      : slackField(item.resourceId, 160);
  const status = item.status === 'open' ? '' : ` _${item.status}_`;
  const shown =
    reportUrl !== undefined ? slackLink(findingAnchorUrl(reportUrl, item.fingerprint), name, { escaped: true }) : name;
  const evidence = item.evidenceLine !== undefined ? `\n    ↳ ${slackField(item.evidenceLine, 400)}` : '';
  return `• ${slackField(item.resourceType, 20)} ${shown}${status}${evidence}`;
}

/** A group's section text, listing at most `top` items and staying under the section limit. */
function groupSection(group: Group, top: number, reportUrl: string | undefined): string {
  const verb = group.kind === 'new' ? 'New' : 'Resolved';
  const icon = group.kind === 'new' ? ICON[group.severity] : CLOSED_ICON;
  const first = group.items[0];
  const title = first && group.items.every((i) => i.title === first.title) ? ` — ${slackField(first.title, 300)}` : '';
  const head = `${icon} *${verb} ${group.severity}* · \`${slackField(group.ruleId, 120)}\`${title} (${group.items.length})`;
  const lines = [head];
  let listed = 0;
  for (const item of group.items.slice(0, top)) {
    const line = itemLine(item, reportUrl);
    // Reserve room for the "…and N more" line.
    if ([...lines, line].join('\n').length > SLACK_LIMITS.sectionText - 40) break;
    lines.push(line);
    listed++;
  }
  if (listed < group.items.length) lines.push(`…and ${group.items.length - listed} more`);
  return truncate(lines.join('\n'), SLACK_LIMITS.sectionText);
}

function countsLine(items: readonly DigestItem[]): string {
  const counts = SEVERITIES.map((s) => [s, items.filter((i) => i.severity === s).length] as const).filter(
    ([, n]) => n > 0,
  );
  return counts.length === 0 ? 'none' : counts.map(([s, n]) => `${n} ${s}`).join(' · ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Block Kit messages for a digest: a summary message followed by rule/severity groups, split so that no
 * message exceeds Slack's block, section and header limits. Every message carries a plain `text` fallback.
 * Returns no messages when nothing changed.
 */
export function digestMessages(digest: Digest, options: DigestMessageOptions = {}): DigestMessage[] {
  if (digest.newItems.length === 0 && digest.closedItems.length === 0) return [];
  const top = options.topItems ?? 5;
  // At least the summary message's own four blocks (header, summary, link, divider); at most Slack's 50.
  const maxBlocks = Math.max(
    4,
    Math.min(options.maxBlocks ?? SLACK_LIMITS.blocksPerMessage, SLACK_LIMITS.blocksPerMessage),
  );
  const title = `hyperaudit: ${plural(digest.newItems.length, 'new finding')}, ${digest.closedItems.length} resolved`;
  const summary = [
    `*New:* ${countsLine(digest.newItems)}`,
    `*Resolved:* ${countsLine(digest.closedItems)}`,
    `*Open at ${digest.minSeverity} or above:* ${digest.openCount}`,
  ].join('\n');
  const link = options.reportUrl !== undefined ? slackLink(options.reportUrl, 'Open the full report') : undefined;

  const groups = [...groupItems('new', digest.newItems), ...groupItems('closed', digest.closedItems)];
  const firstBlocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, SLACK_LIMITS.headerText) } },
    { type: 'section', text: { type: 'mrkdwn', text: summary } },
  ];
  const context = [link, options.auditLine === undefined ? undefined : slackEscape(options.auditLine)].filter(
    (t): t is string => t !== undefined,
  );
  if (context.length > 0)
    firstBlocks.push({
      type: 'context',
      elements: context.map((text) => ({
        type: 'mrkdwn' as const,
        text: truncate(text, SLACK_LIMITS.contextElementText),
      })),
    });
  firstBlocks.push({ type: 'divider' });

  // Pack groups greedily; each continuation message starts with its own header block.
  const pages: { blocks: SlackBlock[]; groups: Group[] }[] = [{ blocks: firstBlocks, groups: [] }];
  for (const group of groups) {
    let page = pages[pages.length - 1]!;
    if (page.blocks.length + 1 > maxBlocks) {
      page = { blocks: [{ type: 'header', text: { type: 'plain_text', text: '' } }], groups: [] };
      pages.push(page);
    }
    page.blocks.push({ type: 'section', text: { type: 'mrkdwn', text: groupSection(group, top, options.reportUrl) } });
    page.groups.push(group);
  }

  const total = pages.length;
  return pages.map((page, index) => {
    const part = total > 1 ? ` (part ${index + 1}/${total})` : '';
    const header = page.blocks[0];
    if (header?.type === 'header')
      header.text.text = truncate(
        `${index === 0 ? title : 'hyperaudit digest, continued'}${part}`,
        SLACK_LIMITS.headerText,
      );
    const fallbackParts = [
      `${title}${part}.`,
      `New: ${countsLine(digest.newItems)}. Resolved: ${countsLine(digest.closedItems)}.`,
    ];
    if (options.reportUrl !== undefined) fallbackParts.push(`Report: ${slackEscape(options.reportUrl)}`);
    if (options.auditLine !== undefined) fallbackParts.push(`(${slackEscape(options.auditLine)})`);
    return {
      payload: { text: truncate(fallbackParts.join(' '), SLACK_LIMITS.fallbackText), blocks: page.blocks },
      newFingerprints: page.groups.filter((g) => g.kind === 'new').flatMap((g) => g.items.map((i) => i.fingerprint)),
      closedFingerprints: page.groups
        .filter((g) => g.kind === 'closed')
        .flatMap((g) => g.items.map((i) => i.fingerprint)),
    };
  });
}
