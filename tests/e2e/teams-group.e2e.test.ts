/**
 * Group messaging across Teams users, each in their own personal chat with the bot: colleagues
 * added, removed, leaving and taking over, with every party's own notice, and each other's
 * messages shown with the author's name. Also a pause and a resume.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR } from './support/test-product.js';
import { executeActions } from './support/bot-connector.js';
import { TeamsUser } from './support/teams-client.js';
import {
  consentedConversation,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';

const PHONE = '5511987654321';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

/** Alice, Ben and Carla, all enabled in one sub-organisation; Alice talks with Maria, who consented. */
async function team(): Promise<{
  w: TeamsWorld;
  alice: TeamsUser;
  ben: TeamsUser;
  carla: TeamsUser;
  threadId: string;
}> {
  const w = await startTeamsWorld();
  world = w;
  const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
  const ben = w.user({ id: 'aad-ben', name: 'Ben Brown', locale: 'pt-BR' });
  const carla = w.user({ id: 'aad-carla', name: 'Carla Costa' });
  for (const u of [alice, ben, carla]) await u.install();
  await consentedConversation(w, alice, { name: 'Maria Silva', phone: PHONE });
  const threadId = (await w.product.store.getUser(alice.id))!.currentThreadId!;
  return { w, alice, ben, carla, threadId };
}

/** Click a verb on a card, then the next verb on the card it answered with (pick, then confirm). */
async function pickThenConfirm(
  user: TeamsUser,
  onCard: string,
  pick: string,
  data: Record<string, unknown>,
  confirm: string,
  chosen: Record<string, unknown>,
) {
  const picker = TeamsUser.card(await user.execute(pick, data, onCard));
  const action = executeActions(picker).find((a) => a.verb === confirm);
  if (!action) throw new Error(`no ${confirm} on the ${pick} card: ${JSON.stringify(picker)}`);
  return TeamsUser.card(await user.execute(confirm, { ...action.data, ...chosen }, onCard));
}

describe('group messaging in Teams', () => {
  it('adds a colleague, shares messages with author names, and tells every party', async () => {
    const { w, alice, ben, carla, threadId } = await team();
    const phone = w.product.sandbox.phone(PHONE);
    phone.sendText('Hello?');
    await w.settle();
    const inbound = alice.find('Hello?')!;

    // Candidates: enabled colleagues of the same sub-organisation, not yet participants.
    const picker = TeamsUser.card(
      await alice.execute('participant.add.pick', { threadId }, inbound.activityId),
    );
    expect(JSON.stringify(picker)).toContain('Ben Brown');
    expect(JSON.stringify(picker)).toContain('Carla Costa');
    expect(JSON.stringify(picker)).not.toContain('Alice Adams');
    const back = TeamsUser.card(
      await alice.execute('participant.add', { threadId, userId: ben.id }, inbound.activityId),
    );
    // The card the action started from comes back: the contact's message.
    expect(JSON.stringify(back)).toContain('Hello?');
    await w.settle();

    expect(
      alice.find('You have added Ben Brown to the conversation with Maria Silva.'),
    ).toBeDefined();
    expect(
      ben.find('Alice Adams, da sua equipe, adicionou você à conversa com Maria Silva.'),
    ).toBeDefined();
    expect(phone.received().at(-1)!.text).toContain('Ben Brown has joined this conversation.');

    // Participants see each other's messages, with the author's name.
    await alice.say('Ben will help with the refund.');
    await w.settle();
    expect(ben.find('Alice Adams para Maria Silva')?.text).toContain(
      'Ben will help with the refund.',
    );
    expect(alice.find(/To Maria Silva.*Ben will help/)).toBeDefined();

    // The contact's messages reach both, each in their own chat and language.
    phone.sendText('Thanks both!');
    await w.settle();
    expect(alice.find('Thanks both!')).toBeDefined();
    expect(ben.find('Thanks both!')!.text).toContain('Responder');
    expect(carla.find('Thanks both!')).toBeUndefined();

    // Ben writes from the card: open thread, his words, Alice sees them as his.
    await ben.execute('thread.open', { threadId });
    await ben.say('Refund issued today.');
    await w.settle();
    expect(alice.find('Ben Brown to Maria Silva')?.text).toContain('Refund issued today.');
    expect(phone.received().at(-1)!.text).toBe('Refund issued today.');

    // Carla is neither in the thread nor has Maria among her contacts: the thread is not hers to see.
    const peek = TeamsUser.card(await carla.execute('thread.open', { threadId }));
    expect(JSON.stringify(peek)).toContain('That conversation or message no longer exists.');
    expect((await w.product.store.getUser(carla.id))!.currentThreadId).toBeUndefined();
  });

  it('removes a participant with a confirmation: the remover, the others, the removed and the contact are each told', async () => {
    const { w, alice, ben, carla, threadId } = await team();
    for (const u of [ben, carla])
      await alice.execute('participant.add', { threadId, userId: u.id });
    await w.settle();

    await alice.say('info');
    const info = alice.last();
    const confirm = await pickThenConfirm(
      alice,
      info.activityId,
      'participant.remove.pick',
      { threadId },
      'participant.remove.ask',
      { userId: carla.id },
    );
    expect(JSON.stringify(confirm)).toContain(
      'Remove Carla Costa from the conversation with Maria Silva?',
    );
    const done = TeamsUser.card(
      await alice.execute(
        'participant.remove',
        executeActions(confirm).find((a) => a.verb === 'participant.remove')!.data,
        info.activityId,
      ),
    );
    expect(JSON.stringify(done)).toContain('Conversation with Maria Silva');
    await w.settle();

    expect(alice.find('You have removed Carla Costa from the conversation.')).toBeDefined();
    expect(ben.find('Alice Adams, da sua equipe, removeu Carla Costa da conversa.')).toBeDefined();
    expect(
      carla.find(
        'Your colleague Alice Adams has removed you from the conversation with Maria Silva.',
      ),
    ).toBeDefined();
    expect(w.product.sandbox.phone(PHONE).received().at(-1)!.text).toContain(
      'Carla Costa is no longer part of this conversation.',
    );
    expect((await w.product.store.getThread(threadId))!.participants.map((p) => p.id)).toEqual([
      alice.id,
      ben.id,
    ]);
  });

  it('transfers the conversation and lets the last participant leave with a confirmation', async () => {
    const { w, alice, ben, threadId } = await team();
    const transfer = TeamsUser.card(await alice.execute('transfer.pick', { threadId }));
    expect(JSON.stringify(transfer)).toContain('Ben Brown');
    await alice.execute('transfer', { threadId, userId: ben.id });
    await w.settle();
    expect(
      alice.find('You have transferred the conversation with Maria Silva to Ben Brown.'),
    ).toBeDefined();
    expect(ben.find('transferiu a conversa com Maria Silva para você')).toBeDefined();
    expect(w.product.sandbox.phone(PHONE).received().at(-1)!.text).toContain(
      'Alice Adams has handed this conversation to Ben Brown',
    );

    // Alice is no longer in it: her words are refused, with the reason.
    await alice.say('one more thing');
    expect(alice.last().text).toContain(
      'You are not a participant in the conversation with Maria Silva.',
    );

    // Ben leaves, the last one: the confirmation says it closes the conversation.
    const ask = TeamsUser.card(await ben.execute('leave.ask', { threadId }));
    expect(JSON.stringify(ask)).toContain('a conversa será encerrada');
    await ben.execute('leave', { threadId });
    await w.settle();
    expect(ben.find('Você saiu da conversa com Maria Silva.')).toBeDefined();
    expect(w.product.sandbox.phone(PHONE).received().at(-1)!.text).toContain(
      'Ben Brown is no longer available to chat.',
    );
    expect((await w.product.store.getThread(threadId))!.state).toBe('closed');
  });

  it('pauses after 24 hours, asks the contact to resume, and releases what was held once they do', async () => {
    const { w, alice } = await team();
    w.product.sandbox.clock.advance(25 * HOUR);
    await alice.say('Are you still there?');
    // The paused notice (Teams lane) may arrive beside the status card: find the card by its words.
    const held = alice.find('Are you still there?')!;
    await w.settle();
    expect(held.text).toContain('Pending');
    expect(alice.find('the conversation is paused')).toBeDefined();
    const phone = w.product.sandbox.phone(PHONE);
    expect(
      phone
        .received()
        .at(-1)!
        .buttons?.map((b) => b.title),
    ).toEqual(['Resume conversation']);

    // The contact has the chat open: what arrives is read.
    phone.openChat().tapButton('Resume conversation');
    await w.settle();
    expect(phone.received().at(-1)!.text).toBe('Are you still there?');
    const card = alice.messages().find((m) => m.activityId === held.activityId)!;
    expect(card.text).toContain('Read');
    expect(w.connector.updatesOf(held.activityId).length).toBeGreaterThanOrEqual(3);
  });

  it('lists the first colleagues by name on the picker, and finds any other as the user types, only where they may look', async () => {
    const { w, alice, ben, carla, threadId } = await team();
    // An organisation of 40 more: listing every one made the card too big for Teams.
    for (let i = 1; i <= 40; i++)
      await w.user({ id: `aad-staff-${i}`, name: `Staff ${String(i).padStart(2, '0')}` }).install();
    const zoe = w.user({ id: 'aad-zoe', name: 'Zoë Zimmermann' });
    await zoe.install();
    const picker = TeamsUser.card(await alice.execute('participant.add.pick', { threadId }));
    const text = JSON.stringify(picker);
    expect(text).toContain('Ben Brown');
    expect(text).not.toContain('Zoë Zimmermann'); // beyond the first 25 by name
    expect(text).toContain(`"dataset":"wa4t.colleagues.${threadId}"`);
    const search = (user: TeamsUser, queryText: string, dataset: string) =>
      user.post({
        type: 'invoke',
        name: 'application/search',
        value: { queryText, queryOptions: { skip: 0, top: 15 }, dataset },
      });
    const titles = (answer: { status: number; body: Record<string, unknown> }) => {
      expect(answer.status).toBe(200);
      expect(answer.body.type).toBe('application/vnd.microsoft.search.searchResponse');
      const value = answer.body.value as { results: { title: string; value: string }[] };
      return value.results.map((r) => `${r.title}=${r.value}`);
    };

    // Typing finds her, without her accent or case; at most 15 a page.
    expect(titles(await search(alice, 'zoe', `wa4t.colleagues.${threadId}`))).toEqual([
      'Zoë Zimmermann=aad-zoe',
    ]);
    expect(titles(await search(alice, 'staff', `wa4t.colleagues.${threadId}`))).toHaveLength(15);
    // Then added like any colleague.
    const back = TeamsUser.card(
      await alice.execute('participant.add', { threadId, userId: zoe.id }),
    );
    expect(JSON.stringify(back)).not.toContain('not found');
    await w.settle();
    expect(zoe.texts().join('\n')).toContain('Maria Silva');

    // Ben takes no part in the conversation, and Alice does not administer the organisation
    // (Carla does): both find nobody, as for a conversation that does not exist.
    const carlaRecord = (await w.product.store.getUser(carla.id))!;
    await w.product.store.putUser({ ...carlaRecord, admin: true });
    expect(titles(await search(carla, 'zoe', `wa4t.assignees.${threadId}`))).toEqual([
      'Zoë Zimmermann=aad-zoe',
    ]);
    expect(titles(await search(ben, 'zoe', `wa4t.colleagues.${threadId}`))).toEqual([]);
    expect(titles(await search(alice, 'zoe', `wa4t.assignees.${threadId}`))).toEqual([]);
    expect(titles(await search(alice, 'zoe', 'wa4t.colleagues.no-such-thread'))).toEqual([]);
  }, 30_000);
});
