import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';

const WebhookUrl = z.url({ protocol: /^https?$/ });
const SecretValue = z.union([WebhookUrl, z.object({ url: WebhookUrl })]);

/**
 * The Slack incoming-webhook URL from Secrets Manager: the secret string is the URL itself or `{"url": ...}`.
 * Errors say what is wrong with the secret, never what it holds.
 */
export async function readWebhookUrl(secretId: string): Promise<string> {
  const raw = await getSecret(secretId, { maxAge: 300 });
  if (typeof raw !== 'string') throw new Error(`secret ${secretId} holds no string`);
  let value: unknown = raw.trim();
  if ((value as string).startsWith('{')) {
    try {
      value = JSON.parse(value as string);
    } catch {
      throw new Error(`secret ${secretId} starts with "{" but is not JSON`);
    }
  }
  const parsed = SecretValue.safeParse(value);
  if (!parsed.success) throw new Error(`secret ${secretId} is neither a webhook URL nor {"url": "<webhook URL>"}`);
  return typeof parsed.data === 'string' ? parsed.data : parsed.data.url;
}
