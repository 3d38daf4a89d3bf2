/**
 * The last gate before a send reaches WhatsApp's Cloud API (issue 11, replies at the cap): a
 * number's throughput counts messages as they arrive, and the shared budgets' slots are grant
 * times. On a saturated event loop a send leaves after its slot, a new connection takes
 * longer, and sends that left a second apart reached the API bunched: 83 in one sliding
 * second at a cap of 80, though never more than 80 left in any second.
 *
 * As for Teams' connector (teams/connector-pace.ts, the same rule), a send may leave only if
 * fewer than the number's messages per second of this process's earlier sends were still
 * unanswered, or answered less than a second ago: a message arrives after it left and before
 * it was answered, so any `max + 1` of them are a second apart as WhatsApp sees them. It costs
 * an answer's time (milliseconds) per second of sends. Per process: across instances the
 * shared budgets keep the number's rate, and a send this gate holds past its slot gives the
 * slot back (SendBudgets.acquire).
 */
import type { Millis } from '../core/types.js';
import { ConnectorPace } from '../teams/connector-pace.js';

export class WhatsAppSendGate {
  private readonly pace: ConnectorPace;

  constructor(messagesPerSecond: number, now?: () => Millis) {
    this.pace = new ConnectorPace({
      conversationWindows: [{ max: messagesPerSecond, perMs: 1_000 }],
      tenantWindows: [],
      ...(now ? { now } : {}),
    });
  }

  /** How long until a send from this number may leave (0: now). */
  waitMs(businessNumberId: string): Millis {
    return this.pace.waitMs(target(businessNumberId));
  }

  /** Count a send leaving now; the returned function marks it answered, whatever the answer. */
  leave(businessNumberId: string): () => void {
    return this.pace.start(target(businessNumberId));
  }
}

/** One log per business number (the pace's "chat"); no second level of windows. */
function target(businessNumberId: string) {
  return { conversationId: businessNumberId, tenantId: businessNumberId };
}
