/**
 * Participant notices in the contact's language (issue 12): what the app writes to the contact
 * on WhatsApp when someone is added, removed, leaves or is no longer available goes in the
 * contact's own language (`npm run admin -- contact language <number> <lang>`), else in the
 * organisation's default, never in the Teams user's. Seed 002 gives the English wording; the
 * catalogue the others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runContactCommand } from '../../bot/src/admin/contact-commands.js';
import {
  BUSINESS_NUMBER,
  consentedConversation,
  startTeamsWorld,
  type TeamsWorld,
} from './support/teams-product.js';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function team() {
  const w = await startTeamsWorld();
  world = w;
  // The Teams users write in English and Portuguese: neither decides the contact's language.
  const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
  const ben = w.user({ id: 'aad-ben', name: 'Ben Brown', locale: 'pt-BR' });
  for (const u of [alice, ben]) await u.install();
  return { w, alice, ben };
}

/** Alice adds Ben, removes him, adds him again, and Ben leaves: four notices to the contact. */
async function addRemoveLeave(
  w: TeamsWorld,
  alice: ReturnType<TeamsWorld['user']>,
  ben: ReturnType<TeamsWorld['user']>,
) {
  const threadId = (await w.product.store.getUser(alice.id))!.currentThreadId!;
  await alice.execute('participant.add', { threadId, userId: ben.id });
  await w.settle();
  await alice.execute('participant.remove', { threadId, userId: ben.id });
  await w.settle();
  await alice.execute('participant.add', { threadId, userId: ben.id });
  await w.settle();
  await ben.execute('leave', { threadId });
  await w.settle();
}

const texts = (w: TeamsWorld, phone: string) =>
  w.product.sandbox
    .phone(phone)
    .received()
    .map((m) => m.text ?? '');

describe("participant notices in the contact's language", () => {
  it("writes to a contact whose language is set in that language (pt-BR), whatever the users' language", async () => {
    const { w, alice, ben } = await team();
    await alice.say('add contact Maria Silva +44 7700 900123');
    await runContactCommand(['language', '+44 7700 900123', 'pt-BR'], w.product.store, () => {});
    await consentedConversation(w, alice, { name: 'Maria Silva', phone: '447700900123' });
    await addRemoveLeave(w, alice, ben);
    const maria = texts(w, '447700900123');
    expect(maria).toContain('Ben Brown entrou nesta conversa.');
    expect(maria).toContain('Ben Brown não participa mais desta conversa.');
    expect(maria).toContain(
      'Ben Brown não está mais disponível para conversar. Você ainda pode escrever aqui, e alguém responderá em breve.',
    );
    expect(maria.join('\n')).not.toContain('has joined this conversation');
  });

  it("writes to a contact with no language of their own in the organisation's default (fr)", async () => {
    const { w, alice, ben } = await team();
    await alice.say('help');
    const store = w.product.store;
    const org = (await store.getOrganisationByBusinessNumber(BUSINESS_NUMBER))!;
    await store.putOrganisation({ ...org, contactLocale: 'fr' });
    await consentedConversation(w, alice, { name: 'Rosa Lopes', phone: '447700900555' });
    await addRemoveLeave(w, alice, ben);
    const rosa = texts(w, '447700900555');
    expect(rosa).toContain('Ben Brown a rejoint cette conversation.');
    expect(rosa).toContain('Ben Brown ne participe plus à cette conversation.');
    expect(rosa).toContain(
      "Ben Brown n'est plus disponible pour discuter. Vous pouvez continuer à écrire ici\u00a0: quelqu'un vous répondra.",
    );
    expect(rosa.join('\n')).not.toContain('entrou nesta conversa');
  });
});
