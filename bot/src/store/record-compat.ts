/**
 * Stored records written by earlier versions, read as this version names things. Both stores
 * (SQLite's JSON columns, MongoDB's documents) read through here, so an existing database
 * keeps working without a migration.
 */
import type { Failure, Message } from '../core/types.js';

/**
 * A message's failure kept WhatsApp's numeric error code as `code` before it was `graphCode`
 * (issue 8): read either.
 */
export function withGraphCode(message: Message): Message {
  const failure = message.failure as (Failure & { code?: unknown }) | undefined;
  if (!failure || typeof failure.graphCode === 'number') return message;
  const { code, ...rest } = failure;
  return {
    ...message,
    failure: { ...rest, graphCode: typeof code === 'number' ? code : 0 },
  };
}
