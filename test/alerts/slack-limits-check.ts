import { expect } from 'vitest';
import type { SlackPayload } from '../../src/alerts/digest-messages';

/** Every limit Slack enforces on an incoming-webhook message, checked on one payload. */
export function expectWithinSlackLimits(payload: SlackPayload): void {
  expect(payload.text.length).toBeGreaterThan(0);
  expect(payload.text.length).toBeLessThanOrEqual(3000);
  expect(payload.blocks.length).toBeLessThanOrEqual(50);
  for (const block of payload.blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
    if (block.type === 'context') for (const e of block.elements) expect(e.text.length).toBeLessThanOrEqual(2000);
  }
}
