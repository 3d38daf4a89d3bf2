/**
 * One error model (issue 8): every error class that carries a code is a coded error (the
 * Teams adapter's refused picture and document, the connector's unreachable user, the store's
 * busy and migration errors, the tab's sign-in errors, the sandbox's, the admin command line's
 * usage error, the configuration error), and the one mapping (app/errors.ts) gives each its
 * HTTP status and the sentence the user reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdminUsageError } from '../../../bot/src/admin/admin-commands.js';
import { ERROR_ANSWERS, httpStatusOf, noticeKeyOf } from '../../../bot/src/app/errors.js';
import { TransientDeliveryError, WaitForSlot } from '../../../bot/src/app/ports.js';
import { DocumentRefusedError } from '../../../bot/src/app/send-document.js';
import { BadCursorError, notFound, TabError } from '../../../bot/src/app/tab-service.js';
import { ConfigError, loadConfig } from '../../../bot/src/config/config.js';
import { CodedError, ERROR_CODES, toCodedError } from '../../../bot/src/core/errors.js';
import { InvalidTokenError, KeysUnavailableError } from '../../../bot/src/http/tab-api/sso.js';
import { t } from '../../../bot/src/i18n/catalogue.js';
import { SandboxError } from '../../../bot/src/sandbox/sandbox-error.js';
import {
  MigrationLeaseLost,
  MigrationWaitTimeout,
} from '../../../bot/src/store/migration-runner.js';
import { OpenThreadRace } from '../../../bot/src/store/mongo/apply-transition.js';
import { StoreBusyError } from '../../../bot/src/store/sqlite/group-commit.js';
import { PictureRefusedError } from '../../../bot/src/teams/attachments.js';
import {
  classifyConnectorError,
  UserUnreachableError,
} from '../../../bot/src/teams/connector-errors.js';
import type { Thread } from '../../../bot/src/core/types.js';
import { MediaRejectedError, WhatsAppApiError } from '../../../bot/src/whatsapp/errors.js';

const SOMETHING_WENT_WRONG =
  'Something went wrong on our side and your request may not have been completed. Please try again in a moment.';

describe('a picture from Teams we cannot send', () => {
  it.each([
    ['unsupported', 400, "That file can't be sent on WhatsApp: only JPEG and PNG pictures can."],
    [
      'too_large',
      413,
      'That picture is too large for WhatsApp, which takes pictures of up to 5 MB. Send a smaller one.',
    ],
    [
      'download_failed',
      502,
      "We couldn't get that picture from Teams, so nothing was sent. Try attaching it again.",
    ],
  ] as const)('%s: a coded error with its status and its sentence', (problem, status, words) => {
    const error = new PictureRefusedError(problem, 'detail for the log');
    expect(error).toBeInstanceOf(CodedError);
    expect(error.code).toBe(`picture.${problem}`);
    expect(error.problem).toBe(problem);
    expect(toCodedError(error)).toBe(error);
    expect(httpStatusOf(error)).toBe(status);
    expect(t('en', noticeKeyOf(error))).toBe(words);
    expect(t('de', noticeKeyOf(error))).not.toBe(words);
  });
});

describe("the admin command line's usage error", () => {
  it('is a coded error that keeps its sentence', () => {
    const error = new AdminUsageError('missing user id');
    expect(error).toBeInstanceOf(CodedError);
    expect(error.code).toBe('admin.usage');
    expect(error.message).toBe('missing user id');
    expect(error.name).toBe('AdminUsageError');
    expect(httpStatusOf(error)).toBe(400);
  });
});

describe('an invalid configuration', () => {
  it('is a coded error listing each problem and where to set it', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'not a port', SANDBOX: 'sometimes' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as ConfigError).code).toBe('config.invalid');
    expect((error as ConfigError).message).toMatch(/^Invalid configuration:\n {2}- /);
    expect((error as ConfigError).message).toContain('env/.env.local.user');
    expect(httpStatusOf(error)).toBe(500);
    expect(noticeKeyOf(error)).toBe('bot.error');
  });
});

describe("the WhatsApp adapter's errors", () => {
  it("are coded errors whose code is the product's, with Graph's number as graphCode", () => {
    const api = new WhatsAppApiError({
      httpStatus: 400,
      graphCode: 131026,
      title: 'Message undeliverable',
      details: '',
    });
    expect(api.code).toBe('whatsapp.api_error');
    expect(api.graphCode).toBe(131026);
    expect(httpStatusOf(api)).toBe(502);
    const media = new MediaRejectedError('too_large', 'big');
    expect(toCodedError(media).code).toBe('whatsapp.media_rejected');
    expect(httpStatusOf(media)).toBe(400);
  });
});

describe('a document from Teams WhatsApp would refuse', () => {
  it.each([
    [
      'unsupported',
      400,
      'WhatsApp does not accept this kind of file. Send a PDF, Word, Excel, PowerPoint or text file (.pdf, .txt, .doc, .xls, .ppt, .docx, .xlsx, .pptx).',
    ],
    [
      'too_large',
      413,
      'This file is too large for WhatsApp: documents can be at most 100 MB. Send a smaller file, or share a link to it.',
    ],
  ] as const)('%s: a coded error with its status and its sentence', (problem, status, words) => {
    const error = new DocumentRefusedError(problem, 'detail for the log');
    expect(error).toBeInstanceOf(CodedError);
    expect(error.code).toBe(`document.${problem}`);
    expect(error.name).toBe('DocumentRefusedError');
    expect(httpStatusOf(error)).toBe(status);
    expect(noticeKeyOf(error)).toBe(error.noticeKey);
    expect(t('en', noticeKeyOf(error), error.params)).toBe(words);
    expect(t('es', noticeKeyOf(error), error.params)).not.toBe(words);
  });
});

describe("the Teams connector's errors", () => {
  it('a user Teams will not let us reach is teams.user_unreachable, 502, and reads as our failure', () => {
    const error = classifyConnectorError({ statusCode: 403 }, 'alice', 0);
    expect(error).toBeInstanceOf(UserUnreachableError);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as UserUnreachableError).code).toBe('teams.user_unreachable');
    expect(error.message).toBe('Teams user alice cannot be reached: Bot Connector answered 403');
    expect(httpStatusOf(error)).toBe(502);
    expect(t('en', noticeKeyOf(error))).toBe(SOMETHING_WENT_WRONG);
  });

  it('a throttled or busy connector is worth trying again: 503', () => {
    const error = classifyConnectorError({ statusCode: 429 }, 'alice', 0);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(httpStatusOf(error)).toBe(503);
  });

  it('waiting for a send slot is coded too, and means "later" (503)', () => {
    const wait = new WaitForSlot(1500);
    expect(wait).toBeInstanceOf(CodedError);
    expect(wait.code).toBe('teams.waiting_for_slot');
    expect(wait.afterMs).toBe(1500);
    expect(httpStatusOf(wait)).toBe(503);
  });
});

describe("the store's errors", () => {
  it('a busy store is store.busy: 503, so WhatsApp delivers again', () => {
    const error = new StoreBusyError(2000);
    expect(error).toBeInstanceOf(CodedError);
    expect(error.code).toBe('store.busy');
    expect(error.message).toBe('The database stayed locked by another connection for 2000 ms.');
    expect(httpStatusOf(error)).toBe(503);
    expect(t('en', noticeKeyOf(error))).toBe(SOMETHING_WENT_WRONG);
  });

  it('migrations still running elsewhere, or a lost lease: 503 with what to do', () => {
    const pending = new MigrationWaitTimeout([11, 12]);
    expect(pending.code).toBe('store.migrations_pending');
    expect(pending.message).toContain('npm run admin -- store migrate');
    expect(httpStatusOf(pending)).toBe(503);
    const lost = new MigrationLeaseLost(12);
    expect(lost.code).toBe('store.migration_lease_lost');
    expect(lost.message).toBe(
      'Lost the migration lease before migration 12; another instance carries on.',
    );
    expect(httpStatusOf(lost)).toBe(503);
  });

  it("MongoDB's one-open-thread race is thread.open_exists, 409", () => {
    const race = new OpenThreadRace({ contact: { id: 'p1:15550001' } } as unknown as Thread);
    expect(race).toBeInstanceOf(CodedError);
    expect(race.code).toBe('thread.open_exists');
    expect(httpStatusOf(race)).toBe(409);
  });
});

describe("the tab's errors", () => {
  it('sign-in: a token we cannot accept is 401, keys we cannot fetch 503', () => {
    const invalid = new InvalidTokenError('the token is not a JWT');
    expect(invalid).toBeInstanceOf(CodedError);
    expect(invalid.code).toBe('auth.invalid_token');
    expect(invalid.message).toBe('the token is not a JWT');
    expect(httpStatusOf(invalid)).toBe(401);
    const keys = new KeysUnavailableError('the authority did not answer');
    expect(keys.code).toBe('auth.unavailable');
    expect(httpStatusOf(keys)).toBe(503);
  });

  it("a tab refusal's status is its code's in the one mapping", () => {
    const missing = notFound('thread');
    expect(missing).toBeInstanceOf(CodedError);
    expect(missing).toMatchObject({
      code: 'thread.not_found',
      status: 404,
      message: 'No such thread, or it is not yours.',
    });
    expect(new TabError('user.not_enabled', 'x').status).toBe(403);
    expect(new TabError('auth.missing_token', 'x').status).toBe(401);
    const cursor = new BadCursorError('cursor');
    expect(cursor).toMatchObject({ code: 'request.invalid', status: 400, field: 'cursor' });
    expect(cursor.message).toBe('cursor is not a cursor this server gave out.');
  });
});

describe("the sandbox phone's errors", () => {
  it.each([
    ['invalid_number', 400],
    ['invalid_message', 400],
    ['no_such_message', 404],
    ['no_such_button', 404],
  ] as const)('%s: sandbox.%s, %i', (problem, status) => {
    const error = new SandboxError(problem, 'what was wrong');
    expect(error).toBeInstanceOf(CodedError);
    expect(error.code).toBe(`sandbox.${problem}`);
    expect(error.message).toBe('what was wrong');
    expect(httpStatusOf(error)).toBe(status);
  });
});

describe('one error base', () => {
  it('every code has one answer, and unknown errors are internal, 500, our failure', () => {
    expect(Object.keys(ERROR_ANSWERS).sort()).toEqual([...ERROR_CODES].sort());
    expect(toCodedError(new Error('boom')).code).toBe('internal');
    expect(httpStatusOf('boom')).toBe(500);
    expect(t('en', noticeKeyOf(new Error('boom')))).toBe(SOMETHING_WENT_WRONG);
  });

  it("no error class in bot/src extends Error but the base and the sandbox's Graph envelope", () => {
    const root = join(__dirname, '../../../bot/src');
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.tsx?$/.test(entry.name))
          for (const m of readFileSync(path, 'utf8').matchAll(/class (\w+) extends Error\b/g))
            found.push(`${relative(root, path)}: ${m[1]}`);
      }
    };
    walk(root);
    expect(found.sort()).toEqual([
      'core/errors.ts: CodedError',
      'sandbox/error-codes.ts: GraphError',
    ]);
  });
});
