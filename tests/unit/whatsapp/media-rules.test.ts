import { describe, expect, it } from 'vitest';
import { MediaRejectedError } from '../../../bot/src/whatsapp/errors.js';
import {
  baseMimeType,
  checkOutboundImage,
  IMAGE_MAX_BYTES,
  sniffImageType,
} from '../../../bot/src/whatsapp/media-rules.js';
import { JPEG, PNG } from './support/fixtures.js';

describe('pictures WhatsApp accepts', () => {
  it('recognises JPEG and PNG by their bytes, and nothing else', () => {
    expect(sniffImageType(JPEG)).toBe('image/jpeg');
    expect(sniffImageType(PNG)).toBe('image/png');
    expect(sniffImageType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('RIFF....WEBP'))).toBeUndefined();
    expect(sniffImageType(new Uint8Array([0xff, 0xd8]))).toBeUndefined();
  });

  it('accepts exactly 5 MB and refuses one byte more', () => {
    const at = (size: number) => Buffer.concat([JPEG, Buffer.alloc(size - JPEG.length)]);
    expect(checkOutboundImage(at(IMAGE_MAX_BYTES), 'image/jpeg')).toBe('image/jpeg');
    expect(() => checkOutboundImage(at(IMAGE_MAX_BYTES + 1), 'image/jpeg')).toThrow(
      MediaRejectedError,
    );
  });

  it('refuses a HEIC or GIF even when it claims to be a JPEG', () => {
    const error = (() => {
      try {
        checkOutboundImage(Buffer.from('GIF89a'), 'image/jpeg');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({
      rejection: 'unsupported_type',
      code: 'whatsapp.media_rejected',
    });
  });

  it('normalises MIME types', () => {
    expect(baseMimeType('Image/JPEG; charset=binary')).toBe('image/jpeg');
    expect(baseMimeType('')).toBe('');
  });
});
