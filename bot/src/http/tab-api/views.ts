/**
 * The tab API's payloads (their types: contract.ts, which the tab imports too): what the tab
 * shows, with no sentence in them but what people wrote and their names. Notices travel as
 * catalogue keys with parameters; the tab renders them in the user's language.
 */
import { windowClosesAt, stateAt } from '../../core/window.js';
import type { Message, Millis } from '../../core/types.js';
import type { InboxEntry } from '../../store/tab-port.js';
import type { Contact, MessageView, ThreadSummary } from './contract.js';
import { otherNamesOf, type ContactView } from '../../app/access.js';

export type { MessageView, ThreadSummary };

export interface ViewContext {
  readonly now: Millis;
  readonly mediaUrl: (mediaId: string) => string;
  /** The organisation's numbers, for their display form. */
  readonly displayNumber: (phoneNumberId: string) => string;
  readonly businessName: string;
  /** Whether the contact declined or opted out and has not written since. */
  readonly contactBlocked?: boolean;
}

export function messageView(m: Message, ctx: ViewContext): MessageView {
  const inbound = m.direction === 'inbound';
  const template = m.kind === 'template';
  return {
    id: m.id,
    seq: m.seq,
    direction: m.direction,
    kind: kindOf(m),
    author: !inbound && m.author ? { id: m.author.id, name: m.author.name } : null,
    text: template ? null : (m.body ?? m.media?.caption ?? locationText(m) ?? null),
    notice: noticeOf(m, ctx),
    media: m.media
      ? {
          url: ctx.mediaUrl(m.media.id),
          mimeType: m.media.mimeType,
          size: m.media.size,
          ...(m.media.filename !== undefined ? { fileName: m.media.filename } : {}),
        }
      : null,
    status: m.status,
    statusTimes: m.statusTimes,
    failure: m.failure ? { graphCode: m.failure.graphCode, reasonKey: m.failure.reasonKey } : null,
    possiblyDuplicate: m.possiblyDuplicate === true,
    createdAt: m.createdAt,
  };
}

function kindOf(m: Message): MessageView['kind'] {
  if (m.kind !== 'inbound') return m.kind;
  if (m.location) return 'location';
  if (m.mediaGone) return 'notice';
  if (m.media) {
    const kind = m.mediaKind ?? 'image';
    return kind === 'voice' ? 'audio' : kind;
  }
  return m.body !== undefined ? 'text' : 'other';
}

const TEMPLATE_KEYS: Record<string, string> = {
  opt_in: 'contact.opt_in',
  resume: 'contact.resume',
};

/** A shared place as the contact named it, else its coordinates. */
function locationText(m: Message): string | undefined {
  const l = m.location;
  if (!l) return undefined;
  return [l.name, l.address].filter(Boolean).join(', ') || `${l.latitude}, ${l.longitude}`;
}

function noticeOf(m: Message, ctx: ViewContext): MessageView['notice'] {
  if (m.mediaGone) return { key: `media.gone.${m.mediaGone}`, params: {} };
  if (m.kind === 'template') {
    if (m.noticeKey) return { key: m.noticeKey, params: { ...m.params } };
    const key = m.template ? TEMPLATE_KEYS[m.template] : undefined;
    return key ? { key, params: { business: ctx.businessName, ...m.params } } : null;
  }
  if (m.kind === 'notice' && m.noticeKey) return { key: m.noticeKey, params: { ...m.params } };
  return null;
}

export function threadSummary(entry: InboxEntry, ctx: ViewContext): ThreadSummary {
  const { thread } = entry;
  const state = stateAt(thread, ctx.now);
  return {
    id: thread.id,
    contact: {
      id: thread.contact.id,
      name: thread.contact.name,
      phone: `+${thread.contact.phone}`,
      // keepboth (issue 10 item 4): the viewer's other names for the contact, if any.
      ...aliasesOf(otherNamesOf(thread)),
    },
    businessNumber: {
      id: thread.businessNumberId,
      display: ctx.displayNumber(thread.businessNumberId),
    },
    state,
    windowExpiresAt: thread.consentedAt !== undefined ? (windowClosesAt(thread) ?? null) : null,
    ...(thread.closedReason ? { closedReason: thread.closedReason } : {}),
    participating: entry.participating,
    participants: thread.participants.map((p) => ({ id: p.id, name: p.name })),
    lastMessage: entry.lastMessage ? messageView(entry.lastMessage, ctx) : null,
    lastActivityAt: entry.lastActivityAt,
    unread: entry.unread,
    canRestart: state === 'closed' && !ctx.contactBlocked,
    canRemind: state === 'awaiting_consent' && entry.participating,
  };
}

/** keepboth (issue 10 item 4): `aliases` on a contact only when the user has other names for it. */
export function aliasesOf(names: readonly string[] | undefined): { aliases?: string[] } {
  return names && names.length > 0 ? { aliases: [...names] } : {};
}

/** A contact as the tab's API shows it to its user (keepboth: with their other names). */
export function contactView(c: ContactView): Contact {
  return { id: c.id, name: c.name, phone: `+${c.phone}`, ...aliasesOf(c.aliases) };
}
