/**
 * The bot's Adaptive Cards: every template, expanded with sample data in every language, is a
 * valid Adaptive Card 1.5 (by a JSON schema and by the official Adaptive Cards SDK), shows only
 * catalogue text, and carries verbs and data that the edge's schemas accept.
 */
import type { NoticeKey } from '../../../bot/src/core/notice-keys.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { HOUR, WINDOW, type Message, type Thread } from '../../../bot/src/core/types.js';
import { SUPPORTED_LOCALES, t, type Locale } from '../../../bot/src/i18n/catalogue.js';
import {
  addParticipantCard,
  asAttachment,
  CARD_TEMPLATES,
  COMMANDS,
  contactsListCard,
  DIALOG_VERBS,
  dialogErrorKey,
  helpCard,
  inboundMessageCard,
  leaveConfirmationCard,
  MAX_LISTED,
  messageStatusCard,
  newMessageOptInTaskCard,
  newMessageTaskCard,
  notEnabledCard,
  noticeCard,
  noticeKind,
  optInConfirmationCard,
  parseCardAction,
  parseDialogSubmission,
  receiptInfoCard,
  removeParticipantCard,
  removeParticipantConfirmationCard,
  threadInfoCard,
  threadsListCard,
  transferCard,
  VERBS,
  type AdaptiveCard,
  type CardTemplate,
  unassignedAlarmCard,
} from '../../../bot/src/teams/cards/index.js';
import type { UnassignedView } from '../../../bot/src/app/unassigned.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

// --- sample data ---------------------------------------------------------------------------

const NOW = Date.UTC(2025, 5, 2, 14, 30);
const contact = { id: 'n1:5511987654321', name: 'Ana Lima', phone: '5511987654321' };
const sam = { id: 'u1', name: 'Sam Jones' };
const kim = { id: 'u2', name: 'Kim Park' };
const lee = { id: 'u3', name: 'Lee Chen' };
const PICTURE = 'https://bot.example.com/media/m1?sig=abc';

function message(overrides: Partial<Message>): Message {
  return {
    id: 't1:4',
    threadId: 't1',
    seq: 4,
    direction: 'outbound',
    kind: 'text',
    author: sam,
    body: 'Your order ships today.',
    status: 'sent',
    statusTimes: { pending: NOW, sent: NOW + 1_000 },
    attempts: 1,
    createdAt: NOW,
    ...overrides,
  };
}

const inbound = message({
  id: 't1:3',
  direction: 'inbound',
  kind: 'inbound',
  author: undefined,
  body: 'Hello! Is my order ready?',
  status: 'received',
  statusTimes: { received: NOW },
});

const thread: Thread = {
  id: 't1',
  businessNumberId: 'n1',
  contact,
  state: 'active',
  participants: [
    { ...sam, joinedAt: NOW - HOUR },
    { ...kim, joinedAt: NOW },
  ],
  createdAt: NOW - HOUR,
  createdBy: sam.id,
  lastInboundAt: NOW - HOUR,
  pendingCount: 0,
  nextSeq: 5,
  version: 3,
};

/** Every template with its variants, in one language. */
function samples(locale: Locale): Record<CardTemplate, AdaptiveCard[]> {
  return {
    'inbound-message': [
      inboundMessageCard({ message: inbound, contact, colleagues: [kim.name] }, locale),
      inboundMessageCard(
        { message: { ...inbound, body: undefined }, contact, pictureUrl: PICTURE },
        locale,
      ),
      inboundMessageCard({ message: { ...inbound, body: undefined }, contact }, locale),
      // The message a contact opened the conversation with says so (issue 11).
      inboundMessageCard(
        {
          message: inbound,
          contact,
          notice: { key: 'thread.opened_by_contact', params: { contact: contact.name } },
        },
        locale,
      ),
      // media: a document, a location, media WhatsApp no longer had (teams-media.e2e.test.ts)
      inboundMessageCard(
        {
          message: {
            ...inbound,
            body: 'Invoice for March',
            mediaKind: 'document',
            media: { id: 'm1', mimeType: 'application/pdf', size: 2048, filename: 'invoice.pdf' },
          },
          contact,
          fileUrl: PICTURE,
        },
        locale,
      ),
      inboundMessageCard(
        {
          message: {
            ...inbound,
            body: undefined,
            location: { latitude: 37.44, longitude: -122.16, name: 'Philz Coffee' },
          },
          contact,
        },
        locale,
      ),
      inboundMessageCard(
        { message: { ...inbound, body: undefined, mediaGone: 'image' }, contact },
        locale,
      ),
    ],
    'message-status': [
      ...(['pending', 'sent', 'delivered', 'read'] as const).map((status) =>
        messageStatusCard(
          {
            message: message({ status, statusTimes: { [status]: NOW } }),
            contact,
            viewerId: sam.id,
          },
          locale,
        ),
      ),
      messageStatusCard(
        {
          message: message({
            status: 'failed',
            failure: { graphCode: 131026, kind: 'other', reasonKey: 'reason.undeliverable' },
          }),
          contact,
          viewerId: sam.id,
        },
        locale,
      ),
      messageStatusCard(
        {
          message: message({ body: undefined }),
          contact,
          viewerId: kim.id,
          colleagues: [sam.name],
          pictureUrl: PICTURE,
        },
        locale,
      ),
      messageStatusCard(
        {
          message: message({
            kind: 'template',
            template: 'opt_in',
            author: undefined,
            body: undefined,
          }),
          contact,
          viewerId: sam.id,
        },
        locale,
      ),
      messageStatusCard(
        {
          message: message({
            kind: 'notice',
            author: undefined,
            body: undefined,
            noticeKey: 'contact.participant_added',
            params: { name: kim.name },
          }),
          contact,
          viewerId: sam.id,
        },
        locale,
      ),
    ],
    'opt-in-confirmation': [
      optInConfirmationCard({ contact, businessName: 'Contoso' }, locale),
      optInConfirmationCard(
        {
          contact,
          businessName: 'Contoso',
          draft: 'Hi Ana, your order is ready.',
          restartThreadId: 't0',
        },
        locale,
      ),
    ],
    notice: [
      noticeCard({ key: 'thread.consented_start', params: { contact: contact.name } }, locale),
      noticeCard({ key: 'thread.paused', params: { contact: contact.name } }, locale),
      noticeCard({ key: 'thread.optin_sent', params: { contact: contact.name } }, locale, {
        threadId: 't1',
      }),
      noticeCard(
        {
          key: 'message.failed',
          params: { contact: contact.name },
          keyParams: { reason: 'reason.undeliverable' },
        },
        locale,
      ),
      noticeCard({ key: 'thread.closed', params: { contact: contact.name } }, locale, {
        threadId: 't1',
      }),
    ],
    'leave-confirmation': [
      leaveConfirmationCard({ threadId: 't1', contact, isLast: false }, locale),
      leaveConfirmationCard({ threadId: 't1', contact, isLast: true }, locale),
    ],
    'add-participant': [
      addParticipantCard(
        {
          threadId: 't1',
          contact,
          candidates: [lee, kim],
          participantCount: 1,
          maxParticipants: 8,
        },
        locale,
      ),
      addParticipantCard(
        { threadId: 't1', contact, candidates: [], participantCount: 1, maxParticipants: 8 },
        locale,
      ),
      addParticipantCard(
        { threadId: 't1', contact, candidates: [lee], participantCount: 8, maxParticipants: 8 },
        locale,
      ),
    ],
    'remove-participant': [
      removeParticipantCard({ threadId: 't1', contact, participants: [kim] }, locale),
      removeParticipantCard({ threadId: 't1', contact, participants: [] }, locale),
    ],
    'remove-participant-confirmation': [
      removeParticipantConfirmationCard({ threadId: 't1', contact, user: kim }, locale),
    ],
    transfer: [
      transferCard({ threadId: 't1', contact, candidates: [lee] }, locale),
      transferCard({ threadId: 't1', contact, candidates: [] }, locale),
    ],
    'receipt-info': [
      receiptInfoCard(
        {
          message: message({
            status: 'read',
            statusTimes: { pending: NOW, sent: NOW + 1, delivered: NOW + 2, read: NOW + 3 },
          }),
          contact,
        },
        locale,
      ),
      receiptInfoCard(
        {
          message: message({
            status: 'delivered',
            statusTimes: { pending: NOW, sent: NOW + 1, delivered: NOW + 2 },
          }),
          contact,
        },
        locale,
      ),
      receiptInfoCard(
        {
          message: message({
            status: 'failed',
            statusTimes: { pending: NOW, failed: NOW + 1 },
            failure: { graphCode: 131026, kind: 'other', reasonKey: 'reason.undeliverable' },
          }),
          contact,
        },
        locale,
      ),
      receiptInfoCard({ message: inbound, contact }, locale),
    ],
    'thread-info': [
      threadInfoCard({ thread, viewerId: sam.id, now: NOW }, locale),
      threadInfoCard(
        {
          thread: { ...thread, state: 'awaiting_consent', lastInboundAt: undefined },
          viewerId: sam.id,
          now: NOW,
        },
        locale,
      ),
      threadInfoCard(
        { thread: { ...thread, state: 'closed', participants: [] }, viewerId: sam.id, now: NOW },
        locale,
      ),
    ],
    'contacts-list': [
      contactsListCard(
        { contacts: [contact, { id: 'n1:447700900123', name: 'Ben Ross', phone: '447700900123' }] },
        locale,
      ),
      contactsListCard({ contacts: [] }, locale),
    ],
    'threads-list': [
      threadsListCard(
        {
          now: NOW,
          threads: [
            {
              threadId: 't1',
              contactName: contact.name,
              state: 'active',
              windowClosesAt: NOW + WINDOW - 60_000,
              unread: 2,
              lastMessage: { from: 'contact', text: 'Is my order ready?', at: NOW },
            },
            {
              threadId: 't2',
              contactName: 'Ben Ross',
              state: 'paused',
              lastMessage: { from: 'you', text: 'Thanks!', at: NOW - 2 * WINDOW },
            },
            {
              threadId: 't3',
              contactName: 'Cy Park',
              state: 'awaiting_consent',
              lastMessage: { from: 'colleague', author: kim.name, hasPicture: true, at: NOW },
            },
            { threadId: 't4', contactName: 'Di Wu', state: 'closed' },
          ],
        },
        locale,
      ),
      threadsListCard({ now: NOW, threads: [] }, locale),
    ],
    help: [helpCard(locale)],
    'not-enabled': [
      notEnabledCard({ reason: 'organisation' }, locale),
      notEnabledCard({ reason: 'user' }, locale),
      notEnabledCard({ reason: 'user', admin: 'Pat Admin' }, locale),
    ],
    'new-message-task': [
      newMessageTaskCard({ contacts: [contact] }, locale),
      newMessageTaskCard(
        {
          contacts: [],
          errorKey: 'card.compose.invalid_phone',
          newContactName: 'Ben',
          newContactPhone: '0123',
          message: 'Hi',
        },
        locale,
      ),
    ],
    'new-message-opt-in-task': [
      newMessageOptInTaskCard(
        { contact, businessName: 'Contoso', message: 'Hi Ana, your order is ready.' },
        locale,
      ),
    ],
    // alarm (issue 12): waiting (one message, several), assigned, and refused with a note.
    'unassigned-alarm': [
      unassignedAlarmCard(waiting, locale, { viewerId: sam.id }),
      unassignedAlarmCard({ ...waiting, count: 3, text: undefined }, locale, {
        viewerId: 'not-a-candidate',
      }),
      unassignedAlarmCard(
        { ...waiting, outcome: { kind: 'assigned', user: kim.name, by: sam.name } },
        locale,
        { viewerId: sam.id },
      ),
      unassignedAlarmCard(waiting, locale, {
        viewerId: sam.id,
        note: t(locale, 'alarm.unassigned.not_candidate'),
      }),
    ],
  };
}

// alarm (issue 12): a contact's message nobody received, as the admins' card shows it.
const waiting: UnassignedView = {
  threadId: 't-9',
  contact: { name: contact.name, phone: contact.phone },
  text: 'Is anyone there? I need help with my order.',
  count: 1,
  candidates: [
    { id: sam.id, name: sam.name },
    { id: kim.id, name: kim.name },
  ],
};

// --- looking inside cards --------------------------------------------------------------------

type Node = Record<string, unknown>;

/** Every object in the card, depth first. */
function nodes(value: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(value)) for (const v of value) nodes(v, out);
  else if (value && typeof value === 'object') {
    out.push(value as Node);
    for (const v of Object.values(value)) nodes(v, out);
  }
  return out;
}

const actionsOf = (card: unknown) =>
  nodes(card).filter((n) => typeof n.type === 'string' && n.type.startsWith('Action.'));
const inputsOf = (card: unknown) =>
  nodes(card).filter(
    (n) => typeof n.type === 'string' && n.type.startsWith('Input.') && n.type !== 'Input.Choice',
  );

/**
 * What a person reads or hears: texts, titles, labels, placeholders, error messages, alt texts.
 * A choice's value and an action's data are not shown; a fact's value is.
 */
function visibleTexts(value: unknown, key?: string, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) {
      if (typeof v === 'string' && key === 'inlines') out.push(v);
      else visibleTexts(v, key, out);
    }
  } else if (value && typeof value === 'object') {
    const node = value as Node;
    const shown =
      key === 'choices'
        ? ['title']
        : key === 'facts'
          ? ['title', 'value']
          : ['text', 'title', 'label', 'placeholder', 'errorMessage', 'altText', 'fallbackText'];
    for (const field of shown)
      if (typeof node[field] === 'string' && (node[field] as string).trim())
        out.push(node[field] as string);
    for (const [k, v] of Object.entries(node))
      if (k !== 'data' && typeof v === 'object') visibleTexts(v, k, out);
  }
  return out;
}

/** What Teams would send back for an action: its data with the card's inputs filled in. */
function submission(card: AdaptiveCard, action: Node): Record<string, unknown> {
  const data: Record<string, unknown> = { ...(action.data as object) };
  if (action.associatedInputs === 'none') return data;
  for (const input of inputsOf(card)) {
    const id = input.id as string;
    if (input.type === 'Input.ChoiceSet')
      data[id] = (input.choices as { value: string }[])[0]?.value ?? '';
    else if (input.style === 'tel') data[id] = '+44 20 7946 0000';
    else data[id] = input.value || 'Hello from Teams';
  }
  return data;
}

// --- validators ------------------------------------------------------------------------------

const schema = JSON.parse(
  readFileSync(join(root, 'cards/schema/adaptive-card-1.5.schema.json'), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictTypes: false }).compile(schema);

/**
 * The official Adaptive Cards SDK (the renderer behind adaptivecards.io), parsing as 1.5.
 * Installed as `adaptivecards-sdk`, an npm alias of adaptivecards@3: under its own name it
 * would change what adaptivecards-templating's type declarations resolve to.
 */
const AC = createRequire(import.meta.url)('adaptivecards-sdk/dist/adaptivecards.js') as {
  AdaptiveCard: new () => {
    hostConfig: unknown;
    parse(json: unknown, context: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
  };
  CardElement: { langProperty: { regEx?: RegExp } };
  HostConfig: new (json: object) => unknown;
  SerializationContext: new (version: unknown) => {
    eventCount: number;
    getEventAt(i: number): { message: string };
  };
  Versions: { v1_5: unknown };
};
/** Teams' host config allows six actions (the SDK's default is five). */
const teamsHost = new AC.HostConfig({ actions: { maxActions: 6 } });

function sdkProblems(card: AdaptiveCard): string[] {
  // The SDK's `lang` pattern is a global RegExp, whose lastIndex leaks between cards.
  if (AC.CardElement.langProperty.regEx) AC.CardElement.langProperty.regEx.lastIndex = 0;
  const parsed = new AC.AdaptiveCard();
  parsed.hostConfig = teamsHost;
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(card, context);
  const events = Array.from(
    { length: context.eventCount },
    (_, i) => context.getEventAt(i).message,
  );
  return [...events, ...parsed.validateProperties().validationEvents.map((e) => e.message)];
}

// --- tests -----------------------------------------------------------------------------------

const verbs = new Set<string>(Object.values(VERBS));
const dialogVerbs = new Set<string>(Object.values(DIALOG_VERBS));
const all = Object.fromEntries(SUPPORTED_LOCALES.map((l) => [l, samples(l)])) as Record<
  Locale,
  Record<CardTemplate, AdaptiveCard[]>
>;

describe('the card templates', () => {
  it('should have a sample for every template in cards/', () => {
    expect(Object.keys(all.en).sort()).toEqual([...CARD_TEMPLATES].sort());
  });

  it.each(CARD_TEMPLATES)(
    '%s should hold no visible text of its own: every sentence is bound from the catalogue',
    (name) => {
      const template = JSON.parse(
        readFileSync(join(root, 'cards', `${name}.json`), 'utf8'),
      ) as unknown;
      const literal = visibleTexts(template).filter(
        (text) => !/^\$\{[^}]+\}$/.test(text) && /\p{L}/u.test(text),
      );
      expect(literal).toEqual([]);
    },
  );
});

describe('the validators', () => {
  type Editable = { version?: unknown; body: Node[]; actions: Node[] };
  const broken = (change: (card: Editable) => void): AdaptiveCard => {
    const card = structuredClone(helpCard('en')) as unknown as Editable;
    change(card);
    return card as unknown as AdaptiveCard;
  };
  const first = (nodes: Node[]) => nodes[0] as Node;

  it.each<[string, (card: Editable) => void]>([
    ['a later version', (c) => void (c.version = '1.6')],
    ['an unknown element', (c) => void c.body.push({ type: 'Tabel' })],
    ['a misspelt property', (c) => void (first(c.body).wrapp = true)],
    ['a colour that does not exist', (c) => void (first(c.body).color = 'red')],
    ['a universal action without a verb', (c) => void delete first(c.actions).verb],
  ])('should refuse a card with %s', (_, change) => {
    expect(validate(broken(change))).toBe(false);
  });

  it('should have the official SDK object to what it cannot render', () => {
    expect(sdkProblems(broken((c) => void c.body.push({ type: 'Tabel' })))).not.toEqual([]);
    expect(sdkProblems(broken((c) => void (first(c.body).size = 'huge')))).not.toEqual([]);
  });
});

describe.each(SUPPORTED_LOCALES)('cards in %s', (locale) => {
  describe.each(CARD_TEMPLATES)('%s', (name) => {
    const cards = all[locale][name];

    it('should be fully expanded', () => {
      for (const card of cards) expect(JSON.stringify(card)).not.toContain('${');
    });

    it('should be a valid Adaptive Card 1.5 by the schema', () => {
      for (const card of cards) {
        const ok = validate(card);
        expect(ok ? [] : validate.errors).toEqual([]);
      }
    });

    it('should parse as Adaptive Cards 1.5 in the official SDK without a warning', () => {
      // But one: Teams asks the bot for a picker's further choices (`choices.data`) in cards of
      // any version (its own example is a 1.2 card), where the SDK knows it from 1.6 on.
      // https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/dynamic-search
      const typeahead =
        'Property "choices.data" is supported in version 1.6, but you are using version 1.5.';
      for (const card of cards)
        expect(sdkProblems(card).filter((p) => p !== typeahead)).toEqual([]);
    });

    it('should give each input its own id', () => {
      for (const card of cards) {
        const ids = inputsOf(card).map((i) => i.id);
        expect(new Set(ids).size).toBe(ids.length);
      }
    });

    it("should carry only known verbs, with data that the edge's schemas accept", () => {
      for (const card of cards) {
        for (const action of actionsOf(card)) {
          if (action.type === 'Action.Execute') {
            expect(verbs).toContain(action.verb);
            const parsed = parseCardAction({
              type: 'Action.Execute',
              verb: action.verb,
              data: submission(card, action),
            });
            expect(parsed.error?.issues ?? []).toEqual([]);
          } else if (action.type === 'Action.Submit') {
            const data = submission(card, action);
            expect(dialogVerbs).toContain(data.verb);
            expect(parseDialogSubmission(data).error?.issues ?? []).toEqual([]);
          } else if (action.type === 'Action.OpenUrl') {
            // A file's download link or a location's map: links, nothing the bot acts on.
            expect(String((action as { url?: unknown }).url)).toMatch(/^https:\/\//);
          } else {
            expect(action.type).toBe('Action.ShowCard');
          }
        }
      }
    });

    if (locale !== 'en') {
      it('should read in its own language, not in English', () => {
        cards.forEach((card, i) => {
          const english = new Set(visibleTexts(all.en[name][i]));
          const own = visibleTexts(card).filter((text) => !english.has(text));
          expect(own.length).toBeGreaterThan(0);
        });
      });
    }
  });
});

describe('the inbound message card', () => {
  const card = inboundMessageCard(
    { message: inbound, contact, colleagues: [kim.name, lee.name] },
    'fr',
  );

  it('should name the contact and the thread, in the French card in French', () => {
    const texts = visibleTexts(card);
    expect(texts).toContain(contact.name);
    expect(texts).toContain(
      t('fr', 'card.thread.line_group', {
        phone: '+5511987654321',
        participants: 'Kim Park et Lee Chen',
      }),
    );
    expect(texts).toContain('Répondre');
    expect(texts).not.toContain('Reply');
  });

  it('should reply with the text written inline, and offer Info and the group actions', () => {
    const actions = actionsOf(card);
    expect(actions.map((a) => a.verb)).toEqual([
      VERBS.reply,
      VERBS.info,
      VERBS.addParticipantPick,
      VERBS.removeParticipantPick,
      VERBS.transferPick,
      VERBS.leaveAsk,
    ]);
    expect(actions.slice(2).every((a) => a.mode === 'secondary')).toBe(true);
    expect(inputsOf(card).map((i) => i.id)).toEqual(['replyText']);
    const reply = parseCardAction({
      verb: 'reply',
      data: { ...(actions[0]?.data as object), replyText: ' On my way ' },
    });
    expect(reply.data).toEqual({ verb: 'reply', data: { threadId: 't1', replyText: 'On my way' } });
    expect(actions[1]?.data).toEqual({ threadId: 't1', messageId: 't1:3' });
  });

  it('should not validate the reply input when another button is pressed', () => {
    expect(
      actionsOf(card)
        .filter((a) => a.verb !== VERBS.reply)
        .every((a) => a.associatedInputs === 'none'),
    ).toBe(true);
  });

  it("should show the contact's words as they are: no markdown, no template expressions", () => {
    const body = 'Is **this** ${threadId} {{DATE(2020-01-01T00:00:00Z)}} ok?';
    const shown = inboundMessageCard({ message: { ...inbound, body }, contact }, 'en');
    const runs = nodes(shown).filter((n) => n.type === 'TextRun');
    expect(runs.map((r) => r.text)).toContain(body);
  });

  it('should show a picture, and say so when a message cannot be shown', () => {
    const picture = inboundMessageCard(
      { message: { ...inbound, body: undefined }, contact, pictureUrl: PICTURE },
      'en',
    );
    expect(nodes(picture).find((n) => n.type === 'Image')).toMatchObject({
      url: PICTURE,
      altText: 'Picture from Ana Lima',
    });
    const sticker = inboundMessageCard({ message: { ...inbound, body: undefined }, contact }, 'en');
    expect(visibleTexts(sticker)).toContain(
      t('en', 'card.inbound.unsupported', { contact: contact.name }),
    );
  });

  it('should say above the message that the contact started the conversation with it, when so', () => {
    const notice = { key: 'thread.opened_by_contact' as const, params: { contact: contact.name } };
    const opened = inboundMessageCard({ message: inbound, contact, notice }, 'en');
    const texts = visibleTexts(opened);
    const said = 'Ana Lima has started a new WhatsApp conversation with you.';
    expect(texts).toContain(said);
    expect(texts.indexOf(said)).toBeLessThan(texts.indexOf(inbound.body!));
    // In the reader's language, the catalogue's own sentence.
    const ja = inboundMessageCard({ message: inbound, contact, notice }, 'ja');
    expect(visibleTexts(ja)).toContain(
      t('ja', 'thread.opened_by_contact', { contact: contact.name }),
    );
    // A later message of the conversation does not say it.
    expect(visibleTexts(card).some((x) => x.includes('started a new WhatsApp conversation'))).toBe(
      false,
    );
    expect(visibleTexts(card).some((x) => x.includes('nouvelle conversation WhatsApp'))).toBe(
      false,
    );
  });

  it('should show the time in the reader’s own time zone and language', () => {
    expect(card.lang).toBe('fr');
    expect(visibleTexts(card)).toContain(
      'Reçu {{DATE(2025-06-02T14:30:00Z, SHORT)}} {{TIME(2025-06-02T14:30:00Z)}}',
    );
  });
});

describe('the message status card', () => {
  const status = (s: Message['status'], extra: Partial<Message> = {}) =>
    messageStatusCard(
      {
        message: message({ status: s, statusTimes: { [s]: NOW }, ...extra }),
        contact,
        viewerId: sam.id,
      },
      'en',
    );
  const mark = (card: AdaptiveCard) =>
    nodes(card).find((n) => n.type === 'ColumnSet' && n.id === 'status');

  it.each([
    ['pending', '🕓', 'default', 'Pending'],
    ['sent', '✓', 'default', 'Sent'],
    ['delivered', '✓✓', 'default', 'Delivered'],
    ['read', '✓✓', 'accent', 'Read'],
    ['failed', '✗', 'attention', 'Not delivered'],
  ] as const)('should show %s as %s in the %s colour', (s, ticks, color, label) => {
    const texts = nodes(mark(status(s))).filter((n) => n.type === 'TextBlock');
    expect(texts[0]).toMatchObject({ text: ticks, color });
    expect(texts[1]?.text).toMatch(new RegExp(`^${label} · \\{\\{DATE`));
  });

  it('should give the plain-language reason of a failure', () => {
    const card = status('failed', {
      failure: { graphCode: 131026, kind: 'other', reasonKey: 'reason.undeliverable' },
    });
    expect(nodes(card).find((n) => n.text === t('en', 'reason.undeliverable'))).toMatchObject({
      color: 'attention',
    });
  });

  it("should name the recipient on the user's own message, and the author on a colleague's", () => {
    expect(visibleTexts(status('sent'))).toContain('To Ana Lima');
    const colleague = messageStatusCard({ message: message({}), contact, viewerId: kim.id }, 'de');
    expect(visibleTexts(colleague)).toContain('Sam Jones an Ana Lima');
  });

  it('should say what the app sent for the user (opt-in, notices)', () => {
    const optIn = messageStatusCard(
      {
        message: message({
          kind: 'template',
          template: 'opt_in',
          author: undefined,
          body: undefined,
        }),
        contact,
        viewerId: sam.id,
      },
      'en',
    );
    expect(
      nodes(optIn).some((n) => n.text === t('en', 'card.system.opt_in', { contact: contact.name })),
    ).toBe(true);
  });

  it('should keep the message and thread ids on Info, so the card can be updated in place', () => {
    expect(actionsOf(status('read'))).toEqual([
      // reply (issue 10): Reply makes the conversation current.
      expect.objectContaining({ title: 'Reply', verb: VERBS.replyHere, data: { threadId: 't1' } }),
      expect.objectContaining({ verb: VERBS.info, data: { threadId: 't1', messageId: 't1:4' } }),
    ]);
  });
});

describe('the notice card', () => {
  it.each([
    ['optin.failed', 'attention'],
    ['optin.failed_closed', 'attention'],
    ['resume.failed', 'attention'],
    ['notice_failed.left', 'attention'],
    ['message.failed', 'attention'],
    ['thread.paused', 'warning'],
    ['thread.optin_sent', 'warning'],
    ['thread.consented_start', 'info'],
    ['thread.resumed_continue', 'info'],
    ['group.you_added', 'info'],
  ] as [NoticeKey, string][])('should show %s as %s', (key, kind) => {
    expect(noticeKind(key)).toBe(kind);
    const card = noticeCard(
      { key, params: { contact: contact.name, user: kim.name, by: sam.name, reason: 'x' } },
      'en',
    );
    expect(nodes(card).find((n) => n.type === 'Container')?.style).toBe(
      kind === 'info' ? 'default' : kind,
    );
  });

  it('should translate parameters that are catalogue keys, in the same language', () => {
    const card = noticeCard(
      {
        key: 'message.failed',
        params: { contact: contact.name },
        keyParams: { reason: 'reason.undeliverable' },
      },
      'fr',
    );
    expect(visibleTexts(card)).toContain(
      t('fr', 'message.failed', { contact: contact.name, reason: t('fr', 'reason.undeliverable') }),
    );
  });

  it('should offer Restart on a closed conversation and a reminder on a pending opt-in', () => {
    expect(
      actionsOf(
        noticeCard({ key: 'thread.closed', params: { contact: 'A' } }, 'en', { threadId: 't1' }),
      ),
    ).toEqual([expect.objectContaining({ verb: VERBS.restart, data: { threadId: 't1' } })]);
    expect(
      actionsOf(
        noticeCard({ key: 'thread.optin_sent', params: { contact: 'A' } }, 'en', {
          threadId: 't1',
        }),
      ),
    ).toEqual([
      // reply (issue 10): a notice about an open conversation offers Reply, carrying itself.
      expect.objectContaining({
        title: 'Reply',
        verb: VERBS.replyHere,
        data: {
          threadId: 't1',
          notice: JSON.stringify({ key: 'thread.optin_sent', params: { contact: 'A' } }),
        },
      }),
      expect.objectContaining({ verb: VERBS.remind, data: { threadId: 't1' } }),
    ]);
    expect(actionsOf(noticeCard({ key: 'thread.closed', params: { contact: 'A' } }, 'en'))).toEqual(
      [],
    );
  });
});

describe('the opt-in confirmation card', () => {
  it('should confirm or cancel sending the opt-in request, carrying the draft', () => {
    const card = optInConfirmationCard({ contact, businessName: 'Contoso', draft: 'Hi Ana' }, 'es');
    expect(visibleTexts(card)).toContain('¿Pedir el consentimiento de Ana Lima?');
    const [confirm, cancel] = actionsOf(card);
    expect(parseCardAction({ verb: confirm?.verb, data: confirm?.data }).data).toEqual({
      verb: VERBS.confirmOptIn,
      data: { contactId: contact.id, draft: 'Hi Ana' },
    });
    expect(cancel).toMatchObject({ verb: VERBS.cancelOptIn, data: { contactId: contact.id } });
  });
});

describe('the group action cards', () => {
  it('should pick a colleague to add from the candidates, by id', () => {
    const card = addParticipantCard(
      { threadId: 't1', contact, candidates: [lee, kim], participantCount: 2, maxParticipants: 8 },
      'en',
    );
    expect(inputsOf(card)[0]).toMatchObject({
      id: 'userId',
      isRequired: true,
      choices: [
        { title: 'Kim Park', value: 'u2' },
        { title: 'Lee Chen', value: 'u3' },
      ],
    });
    expect(visibleTexts(card)).toContain('2 of 8 participants');
  });

  it('should say why nobody can be added, and offer only Cancel', () => {
    const none = addParticipantCard(
      { threadId: 't1', contact, candidates: [], participantCount: 1, maxParticipants: 8 },
      'en',
    );
    expect(inputsOf(none)).toEqual([]);
    expect(visibleTexts(none)).toContain(t('en', 'card.add.none'));
    expect(actionsOf(none).map((a) => a.verb)).toEqual([VERBS.cancel]);
    const full = addParticipantCard(
      { threadId: 't1', contact, candidates: [lee], participantCount: 8, maxParticipants: 8 },
      'en',
    );
    expect(visibleTexts(full)).toContain(t('en', 'group.cap_reached', { max: 8 }));
  });

  it('should remove a participant in two steps: pick, then confirm', () => {
    const pick = removeParticipantCard({ threadId: 't1', contact, participants: [kim] }, 'en');
    expect(actionsOf(pick)[0]).toMatchObject({ verb: VERBS.removeParticipantAsk });
    const confirm = removeParticipantConfirmationCard({ threadId: 't1', contact, user: kim }, 'en');
    expect(actionsOf(confirm)[0]).toMatchObject({
      verb: VERBS.removeParticipant,
      style: 'destructive',
      data: { threadId: 't1', userId: 'u2' },
    });
    expect(visibleTexts(confirm)).toContain('Remove Kim Park from the conversation with Ana Lima?');
  });

  it('should warn the last participant that leaving closes the conversation', () => {
    expect(
      visibleTexts(leaveConfirmationCard({ threadId: 't1', contact, isLast: true }, 'en')),
    ).toContain(t('en', 'card.leave.body_last', { contact: contact.name }));
    expect(
      visibleTexts(leaveConfirmationCard({ threadId: 't1', contact, isLast: false }, 'en')),
    ).not.toContain(t('en', 'card.leave.body_last', { contact: contact.name }));
    expect(
      actionsOf(leaveConfirmationCard({ threadId: 't1', contact, isLast: false }, 'en'))[0],
    ).toMatchObject({ verb: VERBS.leave, style: 'destructive' });
  });

  it('should transfer to a picked colleague', () => {
    const card = transferCard({ threadId: 't1', contact, candidates: [lee] }, 'en');
    const transfer = actionsOf(card)[0] as Node;
    expect(parseCardAction({ verb: transfer.verb, data: submission(card, transfer) }).data).toEqual(
      { verb: VERBS.transfer, data: { threadId: 't1', userId: 'u3' } },
    );
  });
});

describe('the receipt info card', () => {
  it('should give the time of each status, and say when read has not come (yet)', () => {
    const card = receiptInfoCard(
      {
        message: message({
          status: 'delivered',
          statusTimes: { pending: NOW, sent: NOW + 1_000, delivered: NOW + 2_000 },
        }),
        contact,
      },
      'en',
    );
    const rows = nodes(card)
      .filter((n) => n.type === 'ColumnSet')
      .map((row) =>
        nodes(row)
          .filter((n) => n.type === 'TextBlock')
          .map((n) => n.text),
      );
    expect(rows).toEqual([
      ['🕓', 'Pending', '{{DATE(2025-06-02T14:30:00Z, SHORT)}} {{TIME(2025-06-02T14:30:00Z)}}'],
      ['✓', 'Sent', '{{DATE(2025-06-02T14:30:01Z, SHORT)}} {{TIME(2025-06-02T14:30:01Z)}}'],
      ['✓✓', 'Delivered', '{{DATE(2025-06-02T14:30:02Z, SHORT)}} {{TIME(2025-06-02T14:30:02Z)}}'],
      ['✓✓', 'Read', 'Not yet'],
    ]);
    expect(visibleTexts(card)).toContain(t('en', 'card.info.read_note', { contact: contact.name }));
  });

  it("should show when a contact's message arrived", () => {
    expect(visibleTexts(receiptInfoCard({ message: inbound, contact }, 'en'))).toEqual(
      expect.arrayContaining(['From Ana Lima', 'Received']),
    );
  });
});

describe('the list cards', () => {
  it('should list conversations with their state, window left, unread count and last message', () => {
    const card = all.en['threads-list'][0] as AdaptiveCard;
    const texts = visibleTexts(card);
    expect(texts).toEqual(
      expect.arrayContaining([
        'Active · 23 h 59 min left in the window',
        '2 unread',
        'Is my order ready?',
        'Paused',
        'You: Thanks!',
        'Kim Park: 📷 Picture',
        'Closed',
        'No messages yet',
      ]),
    );
    expect(actionsOf(card).map((a) => a.data)).toEqual([
      { threadId: 't1' },
      { threadId: 't2' },
      { threadId: 't3' },
      { threadId: 't4' },
    ]);
  });

  it('should list contacts by name with a Message button each, and add a contact from the card', () => {
    const card = all.en['contacts-list'][0] as AdaptiveCard;
    expect(
      actionsOf(card)
        .filter((a) => a.verb === VERBS.newThread)
        .map((a) => a.data),
    ).toEqual([{ contactId: contact.id }, { contactId: 'n1:447700900123' }]);
    const add = parseCardAction({
      verb: VERBS.addContact,
      data: { contactName: 'Cy Park', contactPhone: '+1 (415) 555-0100' },
    });
    expect(add.data).toEqual({
      verb: VERBS.addContact,
      data: { contactName: 'Cy Park', contactPhone: '14155550100' },
    });
    expect(
      parseCardAction({
        verb: VERBS.addContact,
        data: { contactName: 'Cy', contactPhone: '020 7946 0000' },
      }).success,
    ).toBe(false);
  });

  it('should keep long lists within what Teams accepts, and say how many more there are', () => {
    const many = Array.from({ length: MAX_LISTED + 5 }, (_, i) => ({
      id: `c${i}`,
      name: `Contact ${String(i).padStart(2, '0')}`,
      phone: `4477009${String(i).padStart(5, '0')}`,
    }));
    const card = contactsListCard({ contacts: many }, 'en');
    expect(actionsOf(card).filter((a) => a.verb === VERBS.newThread)).toHaveLength(MAX_LISTED);
    expect(visibleTexts(card)).toContain(t('en', 'card.contacts.more', { count: 5 }));
    expect(JSON.stringify(card).length).toBeLessThan(28_000);
  });
});

describe('the help card', () => {
  it('should list every command with its usage and description, in the user’s language', () => {
    const card = helpCard('ja');
    const facts = nodes(card).filter((n) => 'title' in n && 'value' in n && !('type' in n));
    expect(facts.map((f) => f.title)).toEqual(
      COMMANDS.map((c) => t('ja', `command.${c.id}.usage`)),
    );
    expect(facts.map((f) => f.value)).toEqual(
      COMMANDS.map((c) => t('ja', `command.${c.id}.description`)),
    );
    expect(facts.map((f) => String(f.title).split(' <')[0])).toEqual(COMMANDS.map((c) => c.title));
  });
});

describe('the not-enabled card', () => {
  it('should say why, and whom to ask', () => {
    expect(visibleTexts(notEnabledCard({ reason: 'organisation' }, 'en'))).toContain(
      t('en', 'card.not_enabled.organisation'),
    );
    expect(visibleTexts(notEnabledCard({ reason: 'user', admin: 'Pat Admin' }, 'it'))).toContain(
      t('it', 'card.not_enabled.user_admin', { admin: 'Pat Admin' }),
    );
  });
});

describe('the "New WhatsApp message" dialog', () => {
  it('should send to a picked contact, or to a new one given a name and a number', () => {
    expect(
      parseDialogSubmission({
        verb: 'compose.send',
        contactId: contact.id,
        newContactName: '',
        newContactPhone: '',
        message: 'Hi',
      }).data,
    ).toEqual({
      verb: 'compose.send',
      to: { kind: 'contact', contactId: contact.id },
      message: 'Hi',
    });
    expect(
      parseDialogSubmission({
        verb: 'compose.send',
        contactId: '',
        newContactName: 'Ben Ross',
        newContactPhone: '+44 7700 900123',
        message: 'Hi',
      }).data,
    ).toEqual({
      verb: 'compose.send',
      to: { kind: 'new', name: 'Ben Ross', phone: '447700900123' },
      message: 'Hi',
    });
  });

  it('should refuse a Send with no recipient or a number without its country code, saying why', () => {
    const none = parseDialogSubmission({ verb: 'compose.send', message: 'Hi' });
    expect(none.success).toBe(false);
    expect(dialogErrorKey(none.error!)).toBe('card.compose.no_contact');
    const local = parseDialogSubmission({
      verb: 'compose.send',
      newContactName: 'Ben',
      newContactPhone: '07700 900123',
      message: 'Hi',
    });
    expect(dialogErrorKey(local.error!)).toBe('card.compose.invalid_phone');
    const card = newMessageTaskCard(
      {
        contacts: [contact],
        errorKey: 'card.compose.invalid_phone',
        newContactName: 'Ben',
        newContactPhone: '07700 900123',
        message: 'Hi',
      },
      'fr',
    );
    expect(visibleTexts(card)).toContain(
      t('fr', 'card.compose.invalid_phone', {
        example: t('fr', 'card.contacts.phone_placeholder'),
      }),
    );
    expect(inputsOf(card).map((i) => [i.id, i.value])).toEqual([
      ['contactId', ''],
      ['newContactName', 'Ben'],
      ['newContactPhone', '07700 900123'],
      ['message', 'Hi'],
    ]);
  });

  it('should confirm the opt-in for a first message, or go back', () => {
    const card = newMessageOptInTaskCard(
      { contact, businessName: 'Contoso', message: 'Hi Ana' },
      'en',
    );
    expect(actionsOf(card).map((a) => a.data)).toEqual([
      { verb: DIALOG_VERBS.confirmOptIn, contactId: contact.id, message: 'Hi Ana' },
      { verb: DIALOG_VERBS.back, contactId: contact.id, message: 'Hi Ana' },
    ]);
  });
});

describe('card actions at the edge', () => {
  it('should refuse unknown verbs and incomplete data', () => {
    expect(parseCardAction({ verb: 'format.disk', data: {} }).success).toBe(false);
    expect(parseCardAction({ verb: VERBS.leave, data: {} }).success).toBe(false);
    expect(
      parseCardAction({ verb: VERBS.reply, data: { threadId: 't1', replyText: '   ' } }).success,
    ).toBe(false);
    expect(
      parseCardAction({ verb: VERBS.reply, data: { threadId: 't1', replyText: 'x'.repeat(4097) } })
        .success,
    ).toBe(false);
  });
});

describe('asAttachment', () => {
  it('should wrap a card as an Adaptive Card attachment', () => {
    const card = helpCard('en');
    expect(asAttachment(card)).toEqual({
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: card,
    });
  });
});
