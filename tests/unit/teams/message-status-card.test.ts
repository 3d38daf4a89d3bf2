import { describe, expect, it } from 'vitest';
import type { Message } from '../../../bot/src/core/types.js';
import { messageStatusCard } from '../../../bot/src/teams/cards/index.js';

const contact = { id: 'bn:447700900123', name: 'Maria Silva', phone: '447700900123' };
const message: Message = {
  id: 't:2',
  threadId: 't',
  seq: 2,
  direction: 'outbound',
  kind: 'text',
  author: { id: 'u-alice', name: 'Alice' },
  body: 'Your order has shipped.',
  status: 'delivered',
  statusTimes: { pending: 0, sent: 1, delivered: 2 },
  attempts: 1,
  createdAt: 0,
};

describe('the status card of a message', () => {
  it('warns that the contact may have it twice when a crash interrupted its send', () => {
    const card = JSON.stringify(
      messageStatusCard(
        { message: { ...message, possiblyDuplicate: true }, contact, viewerId: 'u-alice' },
        'en',
      ),
    );
    expect(card).toContain('Maria Silva may have received this message twice');
  });

  it('says nothing of the kind for an ordinary message, in any language', () => {
    for (const locale of ['en', 'de', 'ja']) {
      const card = JSON.stringify(
        messageStatusCard({ message, contact, viewerId: 'u-alice' }, locale),
      );
      expect(card).not.toMatch(/twice|zweimal|2回/);
    }
    expect(
      JSON.stringify(
        messageStatusCard(
          { message: { ...message, possiblyDuplicate: true }, contact, viewerId: 'u-alice' },
          'de',
        ),
      ),
    ).toContain('zweimal');
  });
});
