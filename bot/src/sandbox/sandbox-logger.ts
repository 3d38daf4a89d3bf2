/**
 * The part of a pino logger the sandbox uses. Objects carry ids, codes and statuses: never a
 * token, a secret or a message body.
 */
export interface SandboxLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const silentLogger: SandboxLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
