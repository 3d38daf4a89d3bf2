/**
 * Webhook bodies as WhatsApp posts them, and their signature, for tests and benchmarks.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples
 */
import { createHmac } from 'node:crypto';
import { SANDBOX_CREDENTIALS } from '../../../bot/src/config/config.js';

export interface InboundTextOptions {
  readonly wamid: string;
  readonly text: string;
  readonly from?: string;
  readonly profileName?: string;
  readonly phoneNumberId?: string;
  /** Unix seconds; now by default. */
  readonly timestamp?: number;
  /** Pretty-printed JSON: the signature must cover these exact bytes. */
  readonly pretty?: boolean;
}

export function inboundTextWebhook(o: InboundTextOptions): string {
  const body = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '100000000000000',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: SANDBOX_CREDENTIALS.displayPhoneNumber,
                phone_number_id: o.phoneNumberId ?? SANDBOX_CREDENTIALS.phoneNumberId,
              },
              contacts: [
                {
                  profile: { name: o.profileName ?? 'Maria Silva' },
                  wa_id: o.from ?? '447700900123',
                },
              ],
              messages: [
                {
                  from: o.from ?? '447700900123',
                  id: o.wamid,
                  timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: o.text },
                },
              ],
            },
          },
        ],
      },
    ],
  };
  return o.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
}

/** X-Hub-Signature-256: HMAC-SHA256 of the raw bytes with the app secret. */
export function signWebhook(body: string, secret: string = SANDBOX_CREDENTIALS.appSecret): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
