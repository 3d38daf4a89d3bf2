import { describe, expect, it } from 'vitest';
import {
  decodeQuickReply,
  encodeQuickReply,
  templateComponents,
  templateText,
} from '../../../bot/src/whatsapp/templates.js';

describe('quick-reply payloads', () => {
  it.each(['consent', 'decline', 'resume'] as const)(
    'round-trip %s with and without our message id',
    (action) => {
      expect(decodeQuickReply(encodeQuickReply(action))).toEqual({ action, ref: undefined });
      expect(decodeQuickReply(encodeQuickReply(action, 'thread-1:4'))).toEqual({
        action,
        ref: 'thread-1:4',
      });
    },
  );

  it('looks like wa4t:<action>:<ref>', () => {
    expect(encodeQuickReply('consent', 't:1')).toBe('wa4t:consent:t:1');
  });

  it.each(['Unsubscribe', 'wa4t', 'wa4t:', 'wa4t:stop', 'WA4T:consent', 'other:consent', ''])(
    'does not read %j as one of ours',
    (payload) => expect(decodeQuickReply(payload)).toBeUndefined(),
  );
});

describe('template components', () => {
  it('give the opt-in consent at index 0 and decline at index 1', () => {
    const [, consent, decline] = templateComponents(
      { template: 'opt_in', businessName: 'Contoso' },
      'm1',
    );
    expect(consent).toMatchObject({ index: '0', parameters: [{ payload: 'wa4t:consent:m1' }] });
    expect(decline).toMatchObject({ index: '1', parameters: [{ payload: 'wa4t:decline:m1' }] });
  });

  it('flatten text variables WhatsApp would refuse (new lines, tabs, more than 4 spaces)', () => {
    expect(templateText(' Ana\r\nhas\tjoined      the  chat ')).toBe('Ana has joined   the  chat');
  });
});
