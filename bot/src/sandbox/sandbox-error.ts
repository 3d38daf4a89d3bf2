/** Something a contact (the page, a test) asked the sandbox that it cannot do. */
export class SandboxError extends Error {
  constructor(
    readonly code: 'invalid_number' | 'invalid_message' | 'no_such_message' | 'no_such_button',
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}
