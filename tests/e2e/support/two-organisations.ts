/**
 * Two organisations side by side, enabled by an admin: Contoso (the sandbox's business number)
 * with Alice, who talks with Maria Silva (consented), and Ben, her colleague in the same
 * sub-organisation who has no part in it; Fabrikam (its own number) with Eve. What the access
 * tests probe with ids that are not the prober's.
 */
import { executeActions } from './bot-connector.js';
import type { TeamsUser } from './teams-client.js';
import { BUSINESS_NUMBER, startTeamsWorld, type TeamsWorld } from './teams-product.js';

export const MARIA = { name: 'Maria Silva', phone: '447700900123' } as const;
export const FABRIKAM_NUMBER = 'fabrikam-number-1';

export interface TwoOrganisations {
  readonly w: TeamsWorld;
  readonly alice: TeamsUser;
  readonly ben: TeamsUser;
  readonly eve: TeamsUser;
  readonly threadId: string;
  readonly mariaId: string;
  /** The message id of Maria's "Hello?" to Alice. */
  readonly inboundId: string;
}

export async function twoOrganisations(): Promise<TwoOrganisations> {
  const w = await startTeamsWorld({ enablement: 'admin' });
  const store = w.product.store;
  await store.putOrganisation({
    tenantId: 'tenant-contoso',
    name: 'Contoso',
    enabled: true,
    businessNumbers: [
      { phoneNumberId: BUSINESS_NUMBER, displayPhoneNumber: '+1 555 0100', intakeUserIds: [] },
    ],
    maxParticipants: 8,
    contactLocale: 'en',
  });
  await store.putOrganisation({
    tenantId: 'tenant-fabrikam',
    name: 'Fabrikam',
    enabled: true,
    businessNumbers: [
      { phoneNumberId: FABRIKAM_NUMBER, displayPhoneNumber: '+1 555 0199', intakeUserIds: [] },
    ],
    maxParticipants: 8,
    contactLocale: 'en',
  });
  const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
  const ben = w.user({ id: 'aad-ben', name: 'Ben Brown' });
  const eve = w.user({ id: 'aad-eve', name: 'Eve Evans', tenantId: 'tenant-fabrikam' });
  for (const u of [alice, ben, eve]) {
    await u.install();
    const user = (await store.getUser(u.id))!;
    await store.putUser({ ...user, enabled: true, subOrganisation: 'sales' });
  }
  await alice.say(`add contact ${MARIA.name} +${MARIA.phone}`);
  await alice.say(`new ${MARIA.name}`);
  const optIn = alice.last();
  await alice.execute(
    'optin.confirm',
    executeActions(optIn.card).find((a) => a.verb === 'optin.confirm')!.data,
    optIn.activityId,
  );
  await w.settle();
  const phone = w.product.sandbox.phone(MARIA.phone);
  phone.tapButton('Agree');
  await w.settle();
  phone.sendText('Hello?');
  await w.settle();
  const threadId = (await store.getUser(alice.id))!.currentThreadId!;
  const inbound = (await store.listMessages(threadId)).find((m) => m.body === 'Hello?')!;
  return {
    w,
    alice,
    ben,
    eve,
    threadId,
    mariaId: `${BUSINESS_NUMBER}:${MARIA.phone}`,
    inboundId: inbound.id,
  };
}
