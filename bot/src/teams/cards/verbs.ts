/**
 * The verbs the cards' buttons carry, and the shape of what each one submits.
 *
 * Cards in the chat use Action.Execute (Universal Actions): Teams sends an `adaptiveCard/action`
 * invoke whose `value.action` is `{ type: 'Action.Execute', verb, data }`, `data` being the
 * action's data merged with the card's inputs.
 * https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards
 *
 * The compose extension's dialog uses Action.Submit, as Teams dialogs do: its data arrives in
 * `composeExtension/submitAction` as `value.data`, with the verb inside it.
 * https://learn.microsoft.com/microsoftteams/platform/messaging-extensions/how-to/action-commands/respond-to-task-module-submit
 *
 * Everything here is input from outside: parse it with these schemas at the edge.
 */
import { z } from 'zod';
import type { NoticeKey } from '../../core/notice-keys.js';
import { hasKey } from '../../i18n/catalogue.js';

export const VERBS = {
  /** Send the reply written in the inbound card. */
  reply: 'reply',
  /** Show a message's receipts (or an inbound message's time). */
  info: 'info',
  /** Open the card that picks a colleague to add. */
  addParticipantPick: 'participant.add.pick',
  addParticipant: 'participant.add',
  /** Open the card that picks a participant to remove. */
  removeParticipantPick: 'participant.remove.pick',
  /** A participant was picked: ask to confirm. */
  removeParticipantAsk: 'participant.remove.ask',
  removeParticipant: 'participant.remove',
  transferPick: 'transfer.pick',
  transfer: 'transfer',
  /** Ask to confirm leaving. */
  leaveAsk: 'leave.ask',
  leave: 'leave',
  /** Close a group-action card without doing anything. */
  cancel: 'cancel',
  confirmOptIn: 'optin.confirm',
  cancelOptIn: 'optin.cancel',
  remind: 'optin.remind',
  restart: 'thread.restart',
  openThread: 'thread.open',
  /** Start writing to a contact from the contacts list. */
  newThread: 'thread.new',
  addContact: 'contact.add',
  listThreads: 'threads.list',
  listContacts: 'contacts.list',
  /** reply (issue 10): make the conversation of a notice or status card the current one. */
  replyHere: 'thread.reply',
  /** reply (issue 10): a number already in the user's contacts under another name. */
  duplicateRename: 'contact.duplicate.rename',
  /** Cards posted before "keep both" offered it: keep the name, nothing else. */
  duplicateKeep: 'contact.duplicate.keep',
  /** keepboth (issue 10 item 4): keep the name, and the new one as another name. */
  duplicateBoth: 'contact.duplicate.both',
  /** release (issue 10): a failed message, tried again as a new message (once). */
  sendAgain: 'message.send_again',
  /** release (issue 10): a card showing a conversation's state asks for its current look. */
  refreshThread: 'thread.refresh',
  /** release (issue 10): the threads list (each conversation's state) asks for its current look. */
  refreshThreads: 'threads.refresh',
  /** gather: Open on the hourly summary: make the conversation current and show its messages. */
  gatherOpen: 'gather.open',
  /** alarm (issue 12): an admin assigns a contact's message that reached nobody. */
  alarmAssign: 'alarm.assign',
} as const;

/** Verbs of the compose extension's dialog (Action.Submit, verb inside the data). */
export const DIALOG_VERBS = {
  /** Send from the "New WhatsApp message" dialog. */
  send: 'compose.send',
  /** The first message to a contact: the opt-in was confirmed in the dialog. */
  confirmOptIn: 'compose.optin.confirm',
  /** Back from the opt-in step to the message. */
  back: 'compose.back',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
export type DialogVerb = (typeof DIALOG_VERBS)[keyof typeof DIALOG_VERBS];

/** WhatsApp's limit on a text message's body. */
export const MAX_TEXT = 4096;

const id = z.string().trim().min(1).max(256);
const text = z.string().trim().min(1).max(MAX_TEXT);
/** An input left empty arrives as "" (or not at all): both mean "not given". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    schema.optional(),
  );

/**
 * A WhatsApp number as typed ("+44 20 7946 0000", "0044 20…"): E.164 digits without the '+',
 * as contacts are stored. A number without its country code is refused.
 */
export const phoneNumber = z
  .string()
  .transform((v) => v.replace(/[\s().-]/g, '').replace(/^(\+|00)/, ''))
  .pipe(z.string().regex(/^[1-9]\d{6,14}$/, { message: 'card.compose.invalid_phone' }));

const thread = z.object({ threadId: id });
const picked = z.object({ threadId: id, userId: id });

const action = <V extends Verb, D extends z.ZodType>(verb: V, data: D) =>
  z.object({ verb: z.literal(verb), data });

/** An Action.Execute from one of our cards: `{ verb, data }` (extra fields are dropped). */
export const cardActionSchema = z.discriminatedUnion('verb', [
  action(VERBS.reply, z.object({ threadId: id, replyText: text })),
  action(VERBS.info, z.object({ threadId: id, messageId: id })),
  action(VERBS.addParticipantPick, thread),
  action(VERBS.addParticipant, picked),
  action(VERBS.removeParticipantPick, thread),
  action(VERBS.removeParticipantAsk, picked),
  action(VERBS.removeParticipant, picked),
  action(VERBS.transferPick, thread),
  action(VERBS.transfer, picked),
  action(VERBS.leaveAsk, thread),
  action(VERBS.leave, thread),
  action(VERBS.cancel, z.object({ threadId: optional(id) })),
  action(
    VERBS.confirmOptIn,
    z.object({ contactId: id, draft: optional(text), restartThreadId: optional(id) }),
  ),
  action(VERBS.cancelOptIn, z.object({ contactId: id })),
  action(VERBS.remind, thread),
  action(VERBS.restart, thread),
  action(VERBS.openThread, thread),
  action(VERBS.newThread, z.object({ contactId: id })),
  action(
    VERBS.addContact,
    z.object({ contactName: z.string().trim().min(1).max(256), contactPhone: phoneNumber }),
  ),
  action(VERBS.listThreads, z.object({})),
  action(VERBS.listContacts, z.object({})),
  // reply (issue 10)
  action(VERBS.replyHere, z.object({ threadId: id, notice: optional(z.string().max(8000)) })),
  action(
    VERBS.duplicateRename,
    z.object({ contactId: id, name: z.string().trim().min(1).max(256) }),
  ),
  action(VERBS.duplicateKeep, z.object({ contactId: id })),
  // keepboth (issue 10 item 4)
  action(VERBS.duplicateBoth, z.object({ contactId: id, name: z.string().trim().min(1).max(256) })),
  // release (issue 10)
  action(VERBS.sendAgain, z.object({ threadId: id, messageId: id })),
  action(VERBS.refreshThread, thread),
  action(VERBS.refreshThreads, z.object({})),
  action(VERBS.gatherOpen, thread),
  action(VERBS.alarmAssign, picked), // alarm (issue 12)
]);
export type CardAction = z.infer<typeof cardActionSchema>;

/** Parse `activity.value.action` of an `adaptiveCard/action` invoke. */
export function parseCardAction(action: unknown) {
  return cardActionSchema.safeParse(action);
}

/** Who the dialog writes to: a contact picked from the list, or a new one. */
export type ComposeRecipient =
  | { readonly kind: 'contact'; readonly contactId: string }
  | { readonly kind: 'new'; readonly name: string; readonly phone: string };

/**
 * The dialog's Send. A new contact's name or number, when either is filled in, wins over the
 * list. Issue messages are catalogue keys, to show in the dialog again (see newMessageTaskCard).
 */
const composeSend = z
  .object({
    verb: z.literal(DIALOG_VERBS.send),
    contactId: optional(id),
    newContactName: optional(z.string().trim().max(256)),
    newContactPhone: optional(z.string()),
    message: text,
  })
  .transform((v, ctx) => {
    let to: ComposeRecipient;
    if (v.newContactName !== undefined || v.newContactPhone !== undefined) {
      const phone = phoneNumber.safeParse(v.newContactPhone ?? '');
      if (!v.newContactName || v.newContactPhone === undefined) {
        ctx.addIssue({ code: 'custom', message: 'card.compose.no_contact', input: v });
        return z.NEVER;
      }
      if (!phone.success) {
        ctx.addIssue({ code: 'custom', message: 'card.compose.invalid_phone', input: v });
        return z.NEVER;
      }
      to = { kind: 'new', name: v.newContactName, phone: phone.data };
    } else if (v.contactId) {
      to = { kind: 'contact', contactId: v.contactId };
    } else {
      ctx.addIssue({ code: 'custom', message: 'card.compose.no_contact', input: v });
      return z.NEVER;
    }
    return { verb: v.verb, to, message: v.message };
  });

const composeStep = <V extends DialogVerb>(verb: V) =>
  z.object({ verb: z.literal(verb), contactId: id, message: text });
const composeConfirmOptIn = composeStep(DIALOG_VERBS.confirmOptIn);
const composeBack = composeStep(DIALOG_VERBS.back);

export type DialogSubmission =
  | z.output<typeof composeSend>
  | z.output<typeof composeConfirmOptIn>
  | z.output<typeof composeBack>;

/** Parse `activity.value.data` of a `composeExtension/submitAction` invoke. */
export function parseDialogSubmission(data: unknown): z.ZodSafeParseResult<DialogSubmission> {
  const verb =
    typeof data === 'object' && data !== null ? (data as { verb?: unknown }).verb : undefined;
  if (verb === DIALOG_VERBS.send) return composeSend.safeParse(data);
  if (verb === DIALOG_VERBS.confirmOptIn) return composeConfirmOptIn.safeParse(data);
  return composeBack.safeParse(data);
}

/** What to tell the user when the dialog's Send was refused: a catalogue key. */
export function dialogErrorKey(error: z.ZodError): NoticeKey {
  const key = error.issues
    .map((i) => i.message)
    .find((m): m is NoticeKey => m.startsWith('card.compose.') && hasKey(m));
  return key ?? 'card.compose.no_contact';
}
