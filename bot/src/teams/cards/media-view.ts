/**
 * How a message's media reads in a card: a picture or sticker as an image, any other file
 * (document, audio, voice note, video) as its name, kind and size with a download link, a
 * location as its name, address and a map link, and media WhatsApp no longer had as a sentence
 * saying so. Words from the catalogue (locales/<lang>/media.json).
 */
import type { MediaKind, Message, SharedLocation } from '../../core/types.js';
import type { Strings } from './format.js';

/** The kind of a message's media: messages kept before other kinds existed hold pictures. */
export function mediaKindOf(message: Pick<Message, 'media' | 'mediaKind'>): MediaKind | undefined {
  return message.media ? (message.mediaKind ?? 'image') : undefined;
}

/** Whether the card shows the media as a picture (pictures and stickers). */
export function showsAsPicture(message: Pick<Message, 'media' | 'mediaKind'>): boolean {
  const kind = mediaKindOf(message);
  return kind === 'image' || kind === 'sticker';
}

const ICONS: Readonly<Record<MediaKind, string>> = {
  image: '🖼️',
  document: '📄',
  audio: '🎵',
  voice: '🎤',
  video: '🎬',
  sticker: '🙂',
};

/** "1.2 MB", "820 KB", "312 bytes" in the user's number format. */
export function fileSize(bytes: number, tr: Strings): string {
  const format = (n: number, digits: number) =>
    new Intl.NumberFormat(tr.locale, { maximumFractionDigits: digits }).format(n);
  if (bytes < 1024) return tr('media.size.bytes', { n: format(bytes, 0) });
  if (bytes < 1024 * 1024) return tr('media.size.kb', { n: format(bytes / 1024, 0) });
  return tr('media.size.mb', { n: format(bytes / (1024 * 1024), 1) });
}

export interface FileView {
  readonly icon: string;
  readonly name: string;
  readonly details: string;
}

/** A file's line in a card: its name (or its kind), then its kind and size. */
export function fileView(message: Message, tr: Strings): FileView | undefined {
  const kind = mediaKindOf(message);
  if (!message.media || !kind || showsAsPicture(message)) return undefined;
  const kindName = tr(`media.kind.${kind}`);
  return {
    icon: ICONS[kind],
    name: message.media.filename?.trim() || kindName,
    details: tr('media.file.details', { kind: kindName, size: fileSize(message.media.size, tr) }),
  };
}

export interface LocationView {
  readonly name: string;
  readonly address: string;
  readonly mapUrl: string;
}

/** A map anyone can open, with no account or key: OpenStreetMap with a marker. */
export function mapUrl(location: SharedLocation): string {
  const lat = location.latitude.toFixed(6);
  const lon = location.longitude.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
}

export function locationView(message: Message, tr: Strings): LocationView | undefined {
  const l = message.location;
  if (!l) return undefined;
  const coordinates = tr('media.location.coordinates', {
    latitude: l.latitude.toFixed(5),
    longitude: l.longitude.toFixed(5),
  });
  return {
    name: l.name?.trim() || tr('media.location.shared'),
    address: l.address?.trim() || coordinates,
    mapUrl: mapUrl(l),
  };
}

/** "This picture could not be downloaded…" for media WhatsApp no longer had. */
export function goneText(message: Message, tr: Strings): string | undefined {
  return message.mediaGone ? tr(`media.gone.${message.mediaGone}`) : undefined;
}

/** A short line for a list or a fallback: "📄 invoice.pdf", "📍 Philz Coffee". */
export function mediaPreview(message: Message, tr: Strings): string | undefined {
  const file = fileView(message, tr);
  if (file) return `${file.icon} ${file.name}`;
  const place = locationView(message, tr);
  if (place) return `📍 ${place.name}`;
  const kind = mediaKindOf(message);
  if (kind === 'sticker') return tr('media.kind.sticker');
  return goneText(message, tr);
}
