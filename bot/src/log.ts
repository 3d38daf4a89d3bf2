import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Structured logs. Ids (thread, message, wamid, activity) are fine; tokens, secrets and
 * message bodies are never logged: the redaction below is a second line of defence.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
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
        // ops (issue 12): personal data, should a field carry it by mistake.
        'phone',
        '*.phone',
        'contactId',
        '*.contactId',
        'contactName',
        'profileName',
        'from',
        'recipientId',
        'caption',
        'body',
        'text',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
