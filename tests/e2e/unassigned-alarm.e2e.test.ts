/**
 * The fourth alarm (issue 12): a contact's message that reached nobody (nothing open, no one to
 * reopen with, no intake users). The message is kept; each admin of the organisation gets ONE
 * card, in their language, naming the contact and showing the message, counting the ones
 * after it, with "Assign to me" and a pick of the organisation's enabled users. Assigning goes
 * through the application layer's admin check (anyone else: not found), opens the
 * conversation for the user picked, who is shown the messages; the alarm clears with a card
 * saying who assigned it to whom.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { executeActions } from './support/bot-connector.js';
import { TeamsUser } from './support/teams-client.js';
import { BUSINESS_NUMBER, startTeamsWorld, type TeamsWorld } from './support/teams-product.js';
import { FABRIKAM_NUMBER } from './support/two-organisations.js';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const ROSA = { name: 'Rosa Lopes', phone: '447700900555' } as const;
const TITLE = 'A message reached nobody';

async function organisationWithNoIntake() {
  const w = await startTeamsWorld({ enablement: 'admin' });
  world = w;
  const store = w.product.store;
  for (const [tenantId, name, number] of [
    ['tenant-contoso', 'Contoso', BUSINESS_NUMBER],
    ['tenant-fabrikam', 'Fabrikam', FABRIKAM_NUMBER],
  ] as const)
    await store.putOrganisation({
      tenantId,
      name,
      enabled: true,
      businessNumbers: [
        { phoneNumberId: number, displayPhoneNumber: '+1 555 0100', intakeUserIds: [] },
      ],
      maxParticipants: 8,
      contactLocale: 'en',
    });
  const ana = w.user({ id: 'aad-ana', name: 'Ana Souza' });
  const jo = w.user({ id: 'aad-jo', name: 'João Lima', locale: 'pt-BR' });
  const ben = w.user({ id: 'aad-ben', name: 'Ben Brown' });
  const eve = w.user({ id: 'aad-eve', name: 'Eve Evans', tenantId: 'tenant-fabrikam' });
  for (const [u, admin] of [
    [ana, true],
    [jo, true],
    [ben, false],
    [eve, true],
  ] as const) {
    await u.install();
    const user = (await store.getUser(u.id))!;
    await store.putUser({ ...user, enabled: true, admin, subOrganisation: 'sales' });
  }
  const job = w.product.jobs.find((j) => j.name === 'unassigned-alarms')!;
  /** The job's pass, wherever the lease was: as the instance holding it would run it. */
  const runJob = async () => {
    await w.product.store.ops.releaseLeases(w.product.owner);
    expect(await job.runOnce()).toBe(true);
    await w.settle();
  };
  const rosa = w.product.sandbox.phone(ROSA.phone).setName(ROSA.name);
  const alarmCards = (u: TeamsUser, title = TITLE) =>
    u.messages().filter((m) => m.text.includes(title));
  const threadId = async () => {
    const contact = await store.findContactByPhone(BUSINESS_NUMBER, ROSA.phone);
    return (await store.findOpenThread(BUSINESS_NUMBER, contact!.id))!.id;
  };
  const metric = async () =>
    (await (await fetch(`${w.product.url}/metrics`)).text())
      .split('\n')
      .find((l) => l.startsWith('wa4t_alarm_active{alarm="unassigned_message"}'));
  return { w, store, ana, jo, ben, eve, rosa, runJob, alarmCards, threadId, metric };
}

describe('a contact message that reached nobody', () => {
  it('keeps the message, tells each admin once in their language, counts the next ones on the same card', async () => {
    const { w, store, ana, jo, ben, rosa, runJob, alarmCards, threadId, metric } =
      await organisationWithNoIntake();

    rosa.sendText('Hello, is anyone there?');
    await w.settle();
    await runJob();
    await runJob();
    const kept = await store.listMessages(await threadId());
    expect(kept.map((m) => m.body)).toEqual(['Hello, is anyone there?']);

    expect(alarmCards(ana)).toHaveLength(1);
    const card = alarmCards(ana)[0]!;
    expect(card.text).toContain('From Rosa Lopes · +447700900555');
    expect(card.text).toContain('Hello, is anyone there?');
    expect(card.text).toContain('1 message is waiting.');
    const actions = executeActions(card.card);
    expect(actions.map((a) => a.title)).toEqual(['Assign to me', 'Assign']);
    // The pick lists the organisation's enabled users, Eve (another organisation) not among them.
    expect(card.text).toContain('Ben Brown');
    expect(card.text).not.toContain('Eve Evans');
    // João reads it in Portuguese; Ben, who is not an admin, gets nothing.
    expect(alarmCards(jo, 'Uma mensagem não chegou a ninguém')).toHaveLength(1);
    expect(alarmCards(jo)[0]?.text ?? '').not.toContain(TITLE);
    expect(alarmCards(ben)).toHaveLength(0);
    expect(await metric()).toBe('wa4t_alarm_active{alarm="unassigned_message"} 1');

    rosa.sendText('My order 1234 never arrived');
    rosa.sendText('Please call me back');
    await w.settle();
    await runJob();
    expect(await store.listMessages(await threadId())).toHaveLength(3);
    expect(alarmCards(ana)).toHaveLength(1);
    expect(alarmCards(ana)[0]!.text).toContain('3 messages are waiting.');
    expect(alarmCards(jo, 'Uma mensagem')[0]!.text).toContain('3 mensagens estão aguardando.');
  });

  it('assigns through the admin check: not found for a non-admin or another organisation, then the user sees every message', async () => {
    const { w, store, ana, jo, ben, eve, rosa, runJob, alarmCards, threadId, metric } =
      await organisationWithNoIntake();
    rosa.sendText('Hello, is anyone there?');
    await w.settle();
    rosa.sendText('My order 1234 never arrived');
    await w.settle();
    await runJob();
    const id = await threadId();

    // Forged: Ben (no admin) and Eve (Fabrikam's admin) send the verb with the real ids.
    for (const prober of [ben, eve]) {
      const answer = await prober.execute('alarm.assign', { threadId: id, userId: prober.id });
      expect(answer.status).toBe(200);
      const text = JSON.stringify(TeamsUser.card(answer));
      expect(text).not.toContain('Rosa');
      expect(text).not.toContain('never arrived');
      expect(text).toContain('no longer exists');
    }
    expect((await store.getThread(id))!.participants).toEqual([]);

    // Ana picks Ben on her card.
    const card = alarmCards(ana)[0]!;
    const assign = executeActions(card.card).find((a) => a.title === 'Assign')!;
    const answer = await ana.execute(
      'alarm.assign',
      { ...assign.data, userId: 'aad-ben' },
      card.activityId,
    );
    expect(JSON.stringify(TeamsUser.card(answer))).toContain('Assigned to Ben Brown by Ana Souza.');
    expect(executeActions(TeamsUser.card(answer))).toEqual([]);
    await w.settle();
    expect((await store.getThread(id))!.participants.map((p) => p.name)).toEqual(['Ben Brown']);
    const benSees = ben.texts().join('\n');
    expect(benSees).toContain('The conversation is now yours.');
    expect(benSees).toContain('Hello, is anyone there?');
    expect(benSees).toContain('My order 1234 never arrived');
    // Rosa is among Ben's contacts now, so he can find her by name.
    expect((await store.listAddressBook('aad-ben')).map((e) => e.name)).toEqual(['Rosa Lopes']);

    // Cleared once per admin (the job runs again and again), each card now says so.
    await runJob();
    await runJob();
    const cleared = "Rosa Lopes's message was assigned to Ben Brown by Ana Souza.";
    expect(ana.texts().filter((t) => t.includes(cleared))).toHaveLength(1);
    expect(
      jo.texts().filter((t) => t.includes('foi atribuída a Ben Brown por Ana Souza')),
    ).toHaveLength(1);
    expect(alarmCards(jo, 'Uma mensagem')[0]!.text).toContain(
      'Atribuída a Ben Brown por Ana Souza.',
    );
    expect(eve.texts().join('\n')).not.toContain('Rosa');
    expect(await metric()).toBe('wa4t_alarm_active{alarm="unassigned_message"} 0');
    // Over for good, so nothing is kept of it: the job's passes do not grow with every
    // contact who ever wrote to nobody.
    const keptOf = async () =>
      (await store.ops.listAlarms()).filter((r) => r.key.endsWith(id)).map((r) => r.key);
    expect(await keptOf()).toEqual([]);

    // A second click (João's stale card) changes nothing and says why.
    const again = await jo.execute('alarm.assign', { threadId: id, userId: 'aad-jo' });
    expect(JSON.stringify(TeamsUser.card(again))).toContain(
      'Esta conversa já foi atribuída a Ben Brown.',
    );
    expect((await store.getThread(id))!.participants.map((p) => p.name)).toEqual(['Ben Brown']);

    // Ben answers as in any conversation.
    await ben.say('Hi Rosa, this is Ben: let me check order 1234.');
    await w.settle();
    expect(rosa.received().map((m) => m.text)).toContain(
      'Hi Rosa, this is Ben: let me check order 1234.',
    );
  });
});
