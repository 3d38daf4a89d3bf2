/**
 * Who may use the app. An admin enables the organisation (the tenant, with its WhatsApp
 * business number) and each user, who belongs to a sub-organisation (`npm run admin`, see
 * README "Enabling organisations and users"). Someone not enabled is told why, not an error.
 *
 * Every user who talks to the bot is kept (name, language, conversation reference), enabled
 * or not, so an admin can enable them later and the bot can then reach them.
 *
 * Local development (no BOT_ID): every tenant and user is enabled on first contact, the
 * sandbox's business number belongs to their organisation and every user takes in messages
 * from contacts with no conversation, so the Playground works at once.
 */
import type { Logger } from 'pino';
import type { Organisation, UserRecord } from '../core/records.js';
import type { Store } from '../store/port.js';

/** Who arrives, as a surface knows them (Teams: from the activity; the tab: from its token). */
export interface ArrivingUser {
  readonly userId: string;
  readonly tenantId: string;
  readonly name: string;
  readonly locale: string;
  /** Where the bot can write to them on its own (a Bot Framework ConversationReference). */
  readonly personalReference?: unknown;
}

export type EnablementMode = 'local' | 'admin';

export interface LocalBusinessNumber {
  readonly phoneNumberId: string;
  readonly displayPhoneNumber: string;
}

export interface EnablementOptions {
  readonly store: Store;
  readonly logger: Logger;
  /** 'local': everyone enabled on arrival; 'admin': as the admin set it. */
  readonly mode: EnablementMode;
  /** The number the local organisation gets (the sandbox's). */
  readonly localNumber: LocalBusinessNumber;
  readonly maxParticipants: number;
}

export const DEFAULT_SUB_ORGANISATION = 'default';

export type Arrival =
  | { readonly enabled: true; readonly user: UserRecord; readonly organisation: Organisation }
  | {
      readonly enabled: false;
      readonly user: UserRecord;
      readonly reason: 'organisation' | 'user';
    };

export class Enablement {
  constructor(private readonly options: EnablementOptions) {}

  /** Keep the user as Teams describes them now, and say whether they may use the app. */
  async arrive(who: ArrivingUser): Promise<Arrival> {
    const known = await this.options.store.getUser(who.userId);
    const local = this.options.mode === 'local';
    const user: UserRecord = {
      ...known,
      id: who.userId,
      tenantId: who.tenantId,
      name: who.name,
      locale: who.locale,
      enabled: local ? true : (known?.enabled ?? false) && known?.tenantId === who.tenantId,
      subOrganisation: known?.subOrganisation ?? DEFAULT_SUB_ORGANISATION,
      // Only the personal chat is where the bot writes on its own; a compose extension
      // used in a group chat must not move the user's inbox there.
      conversationReference: who.personalReference ?? known?.conversationReference,
    };
    if (!known || changed(known, user)) await this.options.store.putUser(user);

    const organisation = local
      ? await this.localOrganisation(user)
      : await this.options.store.getOrganisation(who.tenantId);
    if (!organisation?.enabled) return { enabled: false, user, reason: 'organisation' };
    if (!user.enabled) return { enabled: false, user, reason: 'user' };
    return { enabled: true, user, organisation };
  }

  /** The tenant's organisation in local mode: enabled, with the sandbox number, the user as intake. */
  private async localOrganisation(user: UserRecord): Promise<Organisation> {
    const existing = await this.options.store.getOrganisation(user.tenantId);
    const number = existing?.businessNumbers.find(
      (n) => n.phoneNumberId === this.options.localNumber.phoneNumberId,
    );
    if (existing?.enabled && number?.intakeUserIds.includes(user.id)) return existing;
    const others = (existing?.businessNumbers ?? []).filter(
      (n) => n.phoneNumberId !== this.options.localNumber.phoneNumberId,
    );
    const organisation: Organisation = {
      tenantId: user.tenantId,
      name: existing?.name ?? 'Local development',
      enabled: true,
      businessNumbers: [
        {
          ...this.options.localNumber,
          intakeUserIds: [...new Set([...(number?.intakeUserIds ?? []), user.id])],
        },
        ...others,
      ],
      maxParticipants: existing?.maxParticipants ?? this.options.maxParticipants,
      contactLocale: existing?.contactLocale ?? 'en',
    };
    await this.options.store.putOrganisation(organisation);
    this.options.logger.info(
      { tenantId: user.tenantId, userId: user.id },
      'local mode: organisation and user enabled',
    );
    return organisation;
  }
}

function changed(a: UserRecord, b: UserRecord): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}

/** The business number a user's new contacts are on: the organisation's first. */
export function businessNumberOf(organisation: Organisation): string | undefined {
  return organisation.businessNumbers[0]?.phoneNumberId;
}
