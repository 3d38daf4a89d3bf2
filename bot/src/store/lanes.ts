/**
 * Outbox lanes (Delivery under load): order is kept per thread AND per channel. What waits
 * for Teams (a notice held back by Teams' hourly limit) never holds up the thread's WhatsApp
 * sends, and the reverse: each thread has a WhatsApp lane and a Teams lane, each handed out
 * strictly in order.
 */
import type { Effect } from '../core/types.js';

export type Lane = 'whatsapp' | 'teams';

/** Effect types that go to the contact on WhatsApp; every other outbox effect tells Teams users. */
export const WHATSAPP_EFFECT_TYPES: readonly Effect['type'][] = ['send_to_contact'];
export const TEAMS_EFFECT_TYPES: readonly Effect['type'][] = [
  'notify',
  'deliver_inbound',
  'share_outbound',
  'status_changed',
];

export function laneOf(effect: Pick<Effect, 'type'>): Lane {
  return WHATSAPP_EFFECT_TYPES.includes(effect.type) ? 'whatsapp' : 'teams';
}

/** The effect types of a lane, as the stores query them. */
export function laneTypes(lane: Lane): readonly Effect['type'][] {
  return lane === 'whatsapp' ? WHATSAPP_EFFECT_TYPES : TEAMS_EFFECT_TYPES;
}
