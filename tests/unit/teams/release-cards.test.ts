/**
 * Issue 10 item 3 on the cards: a failed message's card shows the failure once (failed, the
 * reason, Send again for its author), and the conversation card refreshes itself.
 */
import { describe, expect, it } from 'vitest';
import type { Message, Thread } from '../../../bot/src/core/types.js';
import { messageStatusCard, threadInfoCard } from '../../../bot/src/teams/cards/index.js';
import { t } from '../../../bot/src/i18n/catalogue.js';
import { executeActions, textOf } from '../../e2e/support/bot-connector.js';

const contact = { id: 'bn:447700900123', name: 'Maria Silva', phone: '447700900123' };
const failed: Message = {
  id: 't:2',
  threadId: 't',
  seq: 2,
  direction: 'outbound',
  kind: 'text',
  author: { id: 'u-alice', name: 'Alice' },
  body: 'Your order has shipped.',
  status: 'failed',
  statusTimes: { pending: 0, sent: 1, failed: 2 },
  failure: { graphCode: 131026, kind: 'other', reasonKey: 'reason.undeliverable' },
  attempts: 1,
  createdAt: 0,
};

function card(message: Message, viewerId = 'u-alice', locale = 'en') {
  return messageStatusCard({ message, contact, viewerId }, locale);
}

describe("a failed message's card", () => {
  it('says it was not delivered, why, and offers Send again to its author', () => {
    const c = card(failed);
    const text = textOf(c);
    expect(text).toContain('Not delivered');
    expect(text).toContain('Your order has shipped.');
    expect(text).toContain(t('en', 'reason.undeliverable'));
    const again = executeActions(c).find((a) => a.verb === 'message.send_again');
    expect(again).toMatchObject({ title: 'Send again', data: { threadId: 't', messageId: 't:2' } });
  });

  it("offers Send again in the author's language", () => {
    expect(executeActions(card(failed, 'u-alice', 'de')).map((a) => a.title)).toContain(
      'Erneut senden',
    );
    expect(executeActions(card(failed, 'u-alice', 'ja')).map((a) => a.title)).toContain('再送信');
  });

  it("shows a colleague the failure without the button: it would go out under Alice's name", () => {
    const c = card(failed, 'u-bob');
    expect(textOf(c)).toContain('Not delivered');
    expect(executeActions(c).map((a) => a.verb)).not.toContain('message.send_again');
  });

  it('has no Send again once sent again, and says so', () => {
    const c = card({ ...failed, retriedAs: 't:3' });
    expect(executeActions(c).map((a) => a.verb)).not.toContain('message.send_again');
    expect(textOf(c)).toContain('Sent again as a new message.');
  });

  it('has no Send again for a message that did not fail', () => {
    const delivered: Message = { ...failed, status: 'delivered', failure: undefined };
    expect(executeActions(card(delivered)).map((a) => a.verb)).not.toContain('message.send_again');
    expect(textOf(card(delivered))).not.toContain('Sent again');
  });
});

describe('the conversation card', () => {
  const thread: Thread = {
    id: 't',
    businessNumberId: 'bn',
    contact,
    state: 'awaiting_consent',
    participants: [{ id: 'u-alice', name: 'Alice', joinedAt: 0 }],
    pendingCount: 0,
    nextSeq: 2,
    createdAt: 0,
    createdBy: 'u-alice',
    version: 1,
  };

  it('asks Teams to refresh it for the user who sees it, with the conversation', () => {
    const c = threadInfoCard(
      { thread, viewerId: 'u-alice', now: 0, refreshFor: ['29:u-alice'] },
      'en',
    );
    expect(textOf(c)).toContain('Waiting for consent');
    expect(c.refresh).toEqual({
      action: { type: 'Action.Execute', verb: 'thread.refresh', data: { threadId: 't' } },
      userIds: ['29:u-alice'],
    });
  });

  it('has no refresh clause when nobody is named', () => {
    expect(threadInfoCard({ thread, viewerId: 'u-alice', now: 0 }, 'en').refresh).toBeUndefined();
  });
});
