/**
 * A line added to a card the builders made, for what only the bot knows at that moment: the
 * reply just sent from an inbound card, or why a submission was refused. Added to the
 * expanded card rather than to the templates, so every card can carry it.
 */
import type { AdaptiveCard } from './cards/index.js';

type Element = Readonly<Record<string, unknown>>;

/** A note above the card's content: an error in the attention colour, or a plain hint. */
export function withNote(
  card: AdaptiveCard,
  text: string,
  tone: 'attention' | 'default' = 'attention',
): AdaptiveCard {
  const note: Element = {
    type: 'TextBlock',
    text,
    wrap: true,
    color: tone,
    weight: tone === 'attention' ? 'bolder' : 'default',
  };
  return { ...card, body: [note, ...(card.body ?? [])] };
}

/**
 * The reply the user sent from a contact's message card, shown in the card above the box
 * to write the next one (an Input.Text with id `replyText`), or at its end.
 */
export function withSentReply(card: AdaptiveCard, label: string, text: string): AdaptiveCard {
  const sent: Element = {
    type: 'Container',
    style: 'emphasis',
    spacing: 'medium',
    items: [
      { type: 'TextBlock', text: label, isSubtle: true, size: 'small', wrap: true },
      { type: 'RichTextBlock', spacing: 'none', inlines: [{ type: 'TextRun', text }] },
    ],
  };
  const body = [...(card.body ?? [])];
  const input = body.findIndex(
    (e) => typeof e === 'object' && e !== null && (e as Element).id === 'replyText',
  );
  body.splice(input >= 0 ? input : body.length, 0, sent);
  return { ...card, body };
}
