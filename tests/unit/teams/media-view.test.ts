/**
 * How media reads in cards and downloads: sizes in the user's number format, a map anyone can
 * open, and files served as downloads under their own name (never rendered on our origin).
 */
import { describe, expect, it } from 'vitest';
import { fileSize, fileView, mapUrl } from '../../../bot/src/teams/cards/media-view.js';
import { strings } from '../../../bot/src/teams/cards/format.js';
import { dispositionOf } from '../../../bot/src/teams/media-route.js';
import type { Message } from '../../../bot/src/core/types.js';

describe('media in cards', () => {
  it('writes sizes as users read them, in their language', () => {
    expect(fileSize(312, strings('en'))).toBe('312 bytes');
    expect(fileSize(2048, strings('en'))).toBe('2 KB');
    expect(fileSize(1_572_864, strings('de'))).toBe('1,5 MB');
    expect(fileSize(1_572_864, strings('fr'))).toBe('1,5 Mo');
  });

  it('names a voice note by its kind when it has no file name', () => {
    const voice = {
      media: { id: 'm', mimeType: 'audio/ogg', size: 4096 },
      mediaKind: 'voice',
    } as Message;
    expect(fileView(voice, strings('es'))).toEqual({
      icon: '🎤',
      name: 'Mensaje de voz',
      details: 'Mensaje de voz · 4 KB',
    });
  });

  it('opens a location on OpenStreetMap, with a marker', () => {
    expect(mapUrl({ latitude: -23.5505, longitude: -46.6333 })).toBe(
      'https://www.openstreetmap.org/?mlat=-23.550500&mlon=-46.633300#map=17/-23.550500/-46.633300',
    );
  });
});

describe('downloads', () => {
  it('shows pictures inline and serves every other file as an attachment under its name', () => {
    expect(dispositionOf({ mimeType: 'image/png' })).toBe('inline');
    expect(dispositionOf({ mimeType: 'text/html' })).toBe('attachment');
    expect(dispositionOf({ mimeType: 'application/pdf', filename: 'Relatório "final".pdf' })).toBe(
      `attachment; filename="Relat_rio _final_.pdf"; filename*=UTF-8''Relat%C3%B3rio%20%22final%22.pdf`,
    );
  });
});
