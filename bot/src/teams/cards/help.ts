/**
 * The `help` command, and the command list itself: the manifest's bot commands
 * (appPackage/manifest.json) are these, in this order.
 */
import { cardLang, strings } from './format.js';
import { expand, type AdaptiveCard } from './templates.js';

/** What users type. Command words stay in English in every language; help explains them. */
export const COMMANDS = [
  { id: 'help', title: 'help' },
  { id: 'contacts', title: 'contacts' },
  { id: 'add_contact', title: 'add contact' },
  { id: 'new', title: 'new' },
  { id: 'threads', title: 'threads' },
  { id: 'open', title: 'open' },
  { id: 'info', title: 'info' },
] as const;
export type CommandId = (typeof COMMANDS)[number]['id'];

export function helpCard(locale: string | undefined): AdaptiveCard {
  const tr = strings(locale);
  return expand('help', {
    lang: cardLang(tr.locale),
    commands: COMMANDS.map((c) => ({
      usage: tr(`command.${c.id}.usage`),
      description: tr(`command.${c.id}.description`),
    })),
    t: {
      title: tr('card.help.title'),
      intro: tr('card.help.intro'),
      compose: tr('card.help.compose'),
      threads: tr('card.help.threads'),
      contacts: tr('card.help.contacts'),
    },
  });
}
