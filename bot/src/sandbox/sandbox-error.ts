import { CodedError } from '../core/errors.js';

/** What a contact's phone (the sandbox page, a test) cannot do. */
export type SandboxProblem =
  'invalid_number' | 'invalid_message' | 'no_such_message' | 'no_such_button';

/**
 * Something a contact (the page, a test) asked the sandbox that it cannot do: a coded error
 * (`sandbox.<problem>`), answered with its code's status in the one mapping (app/errors.ts).
 */
export class SandboxError extends CodedError {
  constructor(
    readonly problem: SandboxProblem,
    message: string,
  ) {
    super(`sandbox.${problem}`, message);
  }
}
