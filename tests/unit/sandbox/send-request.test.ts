/**
 * The sandbox reads send bodies as Meta's OpenAPI writes them: the spec's own request examples
 * for the message types the sandbox delivers must be accepted.
 */
import { describe, expect, it } from 'vitest';
import { parseSendRequest } from '../../../bot/src/sandbox/send-request.js';
import { requestExamples } from '../whatsapp/openapi-schema.js';

const examples = requestExamples('/{Version}/{Phone-Number-ID}/messages', 'post');

/** The examples carry placeholders such as '{{Recipient-Phone-Number}}'. */
function withNumber(name: string): unknown {
  const example = examples[name] as Record<string, unknown> | undefined;
  if (!example) throw new Error(`no example "${name}"`);
  return 'to' in example ? { ...example, to: '447700900123' } : example;
}

describe('sandbox send requests', () => {
  // Not "Send Sample Issue Resolution Template": its quick replies carry `text: true` (YAML booleans).
  it.each([
    'Send Text Message',
    'Send Reply to Text Message',
    'Send Image Message by ID',
    'Send Reply to Image Message by ID',
    'Send Reply Button',
    'Send List Message',
    'Send Message Template Text',
    'Send Sample Shipping Confirmation Template',
    'Send typing indicator and read receipt',
  ])('should accept the OpenAPI example "%s"', (name) => {
    const parsed = parseSendRequest(withNumber(name));
    expect('error' in parsed ? parsed.error.details : 'accepted').toBe('accepted');
  });

  it('should say which message types it does not deliver', () => {
    const parsed = parseSendRequest(withNumber('Send Published Flow by ID'));
    expect('error' in parsed && parsed.error.details).toMatch(
      /interactive button and list messages, not flow/,
    );
    const audio = parseSendRequest({
      messaging_product: 'whatsapp',
      to: '447700900123',
      type: 'audio',
      audio: { id: '1' },
    });
    expect('error' in audio && audio.error.details).toMatch(/does not deliver audio/);
  });

  it('should refuse a callback data longer than 512 characters', () => {
    const parsed = parseSendRequest({
      messaging_product: 'whatsapp',
      to: '447700900123',
      type: 'text',
      text: { body: 'hi' },
      biz_opaque_callback_data: 'x'.repeat(513),
    });
    expect('error' in parsed && parsed.error.code).toBe(100);
  });
});
