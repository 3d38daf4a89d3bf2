import { pino, type Logger } from 'pino';

/**
 * Structured logs. Ids (thread, message, wamid, activity) are fine; tokens, secrets and
 * message bodies are never logged: the redaction below is a second line of defence.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'whatsapp-for-teams' },
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        '*.authorization',
        '*.accessToken',
        '*.appPassword',
        '*.appSecret',
        '*.token',
        '*.body',
        '*.text',
      ],
      censor: '[redacted]',
    },
  });
}
