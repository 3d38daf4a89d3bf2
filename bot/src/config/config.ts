/**
 * The typed configuration. Every setting comes from the environment (and env/.env.local for
 * local runs, read by environment.ts), validated once at start. Only the entry points
 * (index.ts, admin/cli.ts) read process.env.
 */
import { z } from 'zod';
import { CodedError } from '../core/errors.js';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const schema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3978),
    /** Where the server can be reached from outside (Teams, WhatsApp webhooks, the tab). */
    PUBLIC_URL: optionalString,
    BOT_ID: optionalString,
    BOT_PASSWORD: optionalString,
    BOT_TENANT_ID: optionalString,
    BOT_TYPE: z
      .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'])
      .optional()
      .or(z.literal('').transform(() => undefined)),
    WHATSAPP_API_URL: optionalString.pipe(
      z.url({ message: 'must be an absolute URL, e.g. https://graph.facebook.com' }).optional(),
    ),
    WHATSAPP_API_VERSION: z
      .string()
      .regex(/^v\d+\.\d+$/, { message: 'must look like v23.0' })
      .default('v23.0'),
    WHATSAPP_PHONE_NUMBER_ID: optionalString,
    WHATSAPP_DISPLAY_PHONE_NUMBER: optionalString,
    WHATSAPP_ACCESS_TOKEN: optionalString,
    WHATSAPP_APP_SECRET: optionalString,
    WHATSAPP_VERIFY_TOKEN: optionalString,
    /** ops (issue 12): the WhatsApp Business Account whose templates are checked. */
    WHATSAPP_BUSINESS_ACCOUNT_ID: optionalString,
    /** Messages a second the business number may send (WhatsApp: 80 by default, up to 1,000). */
    WHATSAPP_MESSAGES_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(80),
    /** The business's name, as the opt-in template shows it to contacts. */
    BUSINESS_NAME: z.string().trim().min(1).default('Contoso'),
    /** Force the local WhatsApp sandbox on or off; by default it is on when no credentials are set. */
    SANDBOX: z.enum(['on', 'off', 'auto']).default('auto'),
    MAX_PARTICIPANTS: z.coerce.number().int().min(1).max(50).default(8),
    MONGODB_URI: optionalString.pipe(
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, { message: 'must start with mongodb:// or mongodb+srv://' })
        .optional(),
    ),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    // tab (issue 9): the tab's Entra app, whose SSO tokens the tab's API accepts.
    AAD_APP_CLIENT_ID: optionalString,
    TAB_DOMAIN: optionalString,
    AAD_APP_OAUTH_AUTHORITY_HOST: optionalString.pipe(
      z
        .url({ message: 'must be an absolute URL, e.g. https://login.microsoftonline.com' })
        .optional(),
    ),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    // ops (issue 12): operating the service.
    /** Seconds a client has to send a whole request (slow clients get 408). */
    REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
    /** Connections the server holds at once. */
    MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(1000),
    /** On SIGTERM: seconds to keep serving with /readyz at 503, then the most a shutdown takes. */
    SHUTDOWN_DELAY_SECONDS: z.coerce.number().min(0).max(120).default(5),
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(30),
    /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
    METRICS_TOKEN: optionalString,
    /** Alarms: no webhook for this long while sending; the outbox's oldest effect this old. */
    WEBHOOK_SILENCE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
    OUTBOX_ALARM_MINUTES: z.coerce.number().int().min(1).max(10_080).default(15),
    ALARM_CHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** Days to keep messages in a final state and their media; unset: keep them. */
    RETENTION_DAYS: optionalString.pipe(
      z
        .string()
        .regex(/^[1-9]\d{0,4}$/, { message: 'must be a whole number of days, e.g. 365' })
        .transform(Number)
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    const whatsapp = [
      'WHATSAPP_PHONE_NUMBER_ID',
      'WHATSAPP_ACCESS_TOKEN',
      'WHATSAPP_APP_SECRET',
      'WHATSAPP_VERIFY_TOKEN',
    ] as const;
    const given = whatsapp.filter((k) => env[k] !== undefined);
    // ops (issue 12, hardening): the sandbox's secret is public, so it never runs beside real
    // WhatsApp credentials, and a registered bot (BOT_ID) gets it only when SANDBOX=on asks.
    if (env.SANDBOX === 'on' && given.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['SANDBOX'],
        message: `=on cannot run beside real WhatsApp settings (${given.join(', ')} are set): the sandbox's public secret would sign webhooks. Unset SANDBOX, or unset the WhatsApp settings`,
      });
      return;
    }
    if (env.SANDBOX === 'auto' && given.length === 0 && env.BOT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['WHATSAPP_PHONE_NUMBER_ID'],
        message:
          'and the other WhatsApp settings are required when BOT_ID is set. Set them, or set SANDBOX=on to test a registered bot against the local sandbox',
      });
    }
    const sandbox = env.SANDBOX === 'on' || (env.SANDBOX === 'auto' && given.length === 0);
    if (!sandbox) {
      for (const key of whatsapp) {
        if (env[key] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message:
              given.length > 0
                ? `is required with the other WhatsApp settings (${given.join(', ')} are set). Set it, or unset them all to use the local sandbox`
                : 'is required when SANDBOX=off',
          });
        }
      }
    }
    if (env.BOT_ID && !env.BOT_PASSWORD && env.BOT_TYPE !== 'UserAssignedMSI') {
      ctx.addIssue({
        code: 'custom',
        path: ['BOT_PASSWORD'],
        message: 'is required when BOT_ID is set (the bot app registration client secret)',
      });
    }
    if (env.BOT_TYPE === 'SingleTenant' && !env.BOT_TENANT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['BOT_TENANT_ID'],
        message: 'is required when BOT_TYPE=SingleTenant',
      });
    }
  });

export interface Config {
  readonly port: number;
  readonly publicUrl: string;
  readonly bot: {
    readonly appId?: string | undefined;
    readonly appPassword?: string | undefined;
    readonly tenantId?: string | undefined;
    readonly appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    /** No BOT_ID: local development, anonymous Bot Framework calls, everyone enabled. */
    readonly local: boolean;
  };
  readonly whatsapp: {
    readonly sandbox: boolean;
    readonly apiUrl: string;
    readonly apiVersion: string;
    readonly phoneNumberId: string;
    readonly displayPhoneNumber: string;
    readonly accessToken: string;
    readonly appSecret: string;
    readonly verifyToken: string;
    readonly messagesPerSecond: number;
    /** Templates are checked with it (the sandbox has its own). */
    readonly businessAccountId?: string | undefined;
  };
  readonly businessName: string;
  readonly maxParticipants: number;
  readonly mongodbUri?: string | undefined;
  readonly dataDir: string;
  /** The personal tab's single sign-on: tokens for this Entra app are accepted. */
  readonly tab: {
    /** AAD_APP_CLIENT_ID; without it no token is accepted (only X-Local-User, locally). */
    readonly clientId?: string | undefined;
    /** The host in `api://{domain}/{clientId}`: TAB_DOMAIN, else PUBLIC_URL's host. */
    readonly domain: string;
    /** Where Entra publishes its keys and issues tokens (sovereign clouds have their own). */
    readonly authorityHost: string;
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** ops (issue 12): operating the service. */
  readonly ops: {
    readonly requestTimeoutMs: number;
    readonly maxConnections: number;
    readonly shutdownDelayMs: number;
    readonly shutdownTimeoutMs: number;
    readonly metricsToken?: string | undefined;
    readonly retentionDays?: number | undefined;
    readonly webhookSilenceMs: number;
    readonly outboxAlarmMs: number;
    readonly alarmCheckMs: number;
  };
}

/** The sandbox's stand-in credentials: public on purpose, valid only against the sandbox. */
export const SANDBOX_CREDENTIALS = {
  phoneNumberId: '100000000000001',
  displayPhoneNumber: '15550000001',
  accessToken: 'sandbox-access-token',
  appSecret: 'sandbox-app-secret',
  verifyToken: 'sandbox-verify-token',
} as const;

/** The sandbox's WhatsApp Business Account (its webhooks' `entry[].id`). */
export const SANDBOX_BUSINESS_ACCOUNT_ID = '100000000000000';

export class ConfigError extends CodedError {
  declare readonly code: 'config.invalid';
  constructor(readonly problems: readonly string[]) {
    super(
      'config.invalid',
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSet these in the environment or in env/.env.local.user (see README.md, "Configuration").`,
    );
  }
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${i.message}`),
    );
  }
  const e = parsed.data;
  const sandbox =
    e.SANDBOX === 'on' ||
    (e.SANDBOX === 'auto' &&
      !e.WHATSAPP_PHONE_NUMBER_ID &&
      !e.WHATSAPP_ACCESS_TOKEN &&
      !e.WHATSAPP_APP_SECRET &&
      !e.WHATSAPP_VERIFY_TOKEN);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    publicUrl,
    bot: {
      appId: e.BOT_ID,
      appPassword: e.BOT_PASSWORD,
      tenantId: e.BOT_TENANT_ID,
      appType: e.BOT_TYPE ?? 'MultiTenant',
      local: !e.BOT_ID,
    },
    whatsapp: sandbox
      ? {
          sandbox: true,
          apiUrl: e.WHATSAPP_API_URL ?? `http://127.0.0.1:${e.PORT}/sandbox/graph`,
          apiVersion: e.WHATSAPP_API_VERSION,
          messagesPerSecond: e.WHATSAPP_MESSAGES_PER_SECOND,
          ...SANDBOX_CREDENTIALS,
          businessAccountId: e.WHATSAPP_BUSINESS_ACCOUNT_ID ?? SANDBOX_BUSINESS_ACCOUNT_ID,
        }
      : {
          sandbox: false,
          apiUrl: e.WHATSAPP_API_URL ?? 'https://graph.facebook.com',
          apiVersion: e.WHATSAPP_API_VERSION,
          phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID!,
          displayPhoneNumber: e.WHATSAPP_DISPLAY_PHONE_NUMBER ?? e.WHATSAPP_PHONE_NUMBER_ID!,
          accessToken: e.WHATSAPP_ACCESS_TOKEN!,
          appSecret: e.WHATSAPP_APP_SECRET!,
          verifyToken: e.WHATSAPP_VERIFY_TOKEN!,
          messagesPerSecond: e.WHATSAPP_MESSAGES_PER_SECOND,
          businessAccountId: e.WHATSAPP_BUSINESS_ACCOUNT_ID,
        },
    businessName: e.BUSINESS_NAME,
    maxParticipants: e.MAX_PARTICIPANTS,
    mongodbUri: e.MONGODB_URI,
    dataDir: e.DATA_DIR,
    tab: {
      clientId: e.AAD_APP_CLIENT_ID,
      domain: e.TAB_DOMAIN ?? new URL(publicUrl).host,
      authorityHost: (
        e.AAD_APP_OAUTH_AUTHORITY_HOST ?? 'https://login.microsoftonline.com'
      ).replace(/\/+$/, ''),
    },
    logLevel: e.LOG_LEVEL,
    ops: {
      requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
      maxConnections: e.MAX_CONNECTIONS,
      shutdownDelayMs: e.SHUTDOWN_DELAY_SECONDS * 1000,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
      metricsToken: e.METRICS_TOKEN,
      retentionDays: e.RETENTION_DAYS,
      webhookSilenceMs: e.WEBHOOK_SILENCE_MINUTES * 60_000,
      outboxAlarmMs: e.OUTBOX_ALARM_MINUTES * 60_000,
      alarmCheckMs: e.ALARM_CHECK_SECONDS * 1000,
    },
  };
}
