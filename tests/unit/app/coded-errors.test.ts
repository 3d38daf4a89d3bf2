/**
 * One error model (issue 8): the Teams adapter's refused picture, the admin command line's
 * usage error and the configuration error are coded errors, and the one mapping
 * (app/errors.ts) gives each its HTTP status and the sentence the user reads.
 */
import { describe, expect, it } from 'vitest';
import { AdminUsageError } from '../../../bot/src/admin/admin-commands.js';
import { httpStatusOf, noticeKeyOf } from '../../../bot/src/app/errors.js';
import { ConfigError, loadConfig } from '../../../bot/src/config/config.js';
import { CodedError, toCodedError } from '../../../bot/src/core/errors.js';
import { t } from '../../../bot/src/i18n/catalogue.js';
import { PictureRefusedError } from '../../../bot/src/teams/attachments.js';
import { MediaRejectedError, WhatsAppApiError } from '../../../bot/src/whatsapp/errors.js';

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
