/**
 * The Adaptive Card templates in cards/ (JSON, data-bound for adaptivecards-templating), each
 * read once, and the one function that expands them.
 *
 * Templating: https://learn.microsoft.com/adaptive-cards/templating/sdk
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';

/** Every template in cards/, by file name without `.json`. */
export const CARD_TEMPLATES = [
  'inbound-message',
  'message-status',
  'opt-in-confirmation',
  'notice',
  'leave-confirmation',
  'add-participant',
  'remove-participant',
  'remove-participant-confirmation',
  'transfer',
  'receipt-info',
  'thread-info',
  'contacts-list',
  'threads-list',
  'help',
  'not-enabled',
  'new-message-task',
  'new-message-opt-in-task',
  // alarm (issue 12): a contact's message that reached nobody, to the admins.
  'unassigned-alarm',
] as const;
export type CardTemplate = (typeof CARD_TEMPLATES)[number];

/** An expanded card, ready to send: Teams renders Adaptive Cards up to 1.5. */
export interface AdaptiveCard {
  readonly type: 'AdaptiveCard';
  readonly version: '1.5';
  readonly body?: readonly unknown[];
  readonly actions?: readonly unknown[];
  readonly [property: string]: unknown;
}

/** cards/ sits at the project root, found from here whether running from source or dist/. */
function findCardsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'cards')))
      return join(dir, 'cards');
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(
        'cards/: the Adaptive Card templates were not found above ' +
          fileURLToPath(import.meta.url),
      );
    dir = parent;
  }
}

let cardsDir: string | undefined;
const templates = new Map<CardTemplate, ACData.Template>();

/** The template's JSON as written in cards/ (read once). */
export function templateJson(name: CardTemplate): object {
  cardsDir ??= findCardsDir();
  return JSON.parse(readFileSync(join(cardsDir, `${name}.json`), 'utf8')) as object;
}

/** Expand a template with its view: the data and the localised strings it binds to. */
export function expand(name: CardTemplate, view: object): AdaptiveCard {
  let template = templates.get(name);
  if (!template) {
    template = new ACData.Template(templateJson(name));
    templates.set(name, template);
  }
  return template.expand({ $root: view }) as AdaptiveCard;
}

/** The card as a Bot Framework attachment, for an activity or an invoke response. */
export function asAttachment(card: AdaptiveCard): Attachment {
  return CardFactory.adaptiveCard(card);
}
