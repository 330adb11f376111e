/** Slack Block Kit limits a message must respect, or Slack answers 400 invalid_blocks. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  contextElementText: 2000,
  /** Fallback `text` is shown in notifications; Slack truncates long ones, we keep it short. */
  fallbackText: 3000,
} as const;
