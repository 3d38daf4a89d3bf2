import { WINDOW, type Millis, type Thread, type ThreadState } from './types.js';

/**
 * WhatsApp's customer-service window: open for 24 hours from the contact's last message.
 * Business messages do not extend it.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows
 */
export function windowClosesAt(thread: Thread): Millis | undefined {
  return thread.lastInboundAt === undefined ? undefined : thread.lastInboundAt + WINDOW;
}

export function isWindowOpen(thread: Thread, now: Millis): boolean {
  const closesAt = windowClosesAt(thread);
  return closesAt !== undefined && now < closesAt;
}

/** Time left before the window closes (0 when closed), for the tab's thread list. */
export function windowTimeLeft(thread: Thread, now: Millis): Millis {
  const closesAt = windowClosesAt(thread);
  return closesAt === undefined ? 0 : Math.max(0, closesAt - now);
}

/**
 * The state a user should see now. A thread stored as active whose window has run out is
 * paused, even before anyone writes in it.
 */
export function stateAt(thread: Thread, now: Millis): ThreadState {
  if (thread.state === 'active' && !isWindowOpen(thread, now)) return 'paused';
  return thread.state;
}
