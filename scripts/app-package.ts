/**
 * Builds what appPackage/ needs besides manifest.json: the two icons (drawn here, no image
 * tools needed) and one localization file per language, from the i18n catalogue.
 *
 *   npx tsx scripts/app-package.ts
 *
 * Icons: color 192×192 (full colour), outline 32×32 (white on transparent).
 * https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/apps-package#app-icons
 * Localization: https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/apps-localization
 */
import type { NoticeKey } from '../bot/src/core/notice-keys.js';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import { SUPPORTED_LOCALES, t, type Locale } from '../bot/src/i18n/catalogue.js';
import { COMMANDS } from '../bot/src/teams/cards/help.js';

export const APP_PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'appPackage');

// --- icons ---------------------------------------------------------------------------------

type Rgba = readonly [number, number, number, number];
/** Coverage of a point (x, y in 0..1 of the icon) by the shape, 0 or 1. */
type Shape = (x: number, y: number) => boolean;

/** A rounded rectangle, in icon units. */
function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return x >= x0 && x <= x1 && y >= y0 && y <= y1 && dx * dx + dy * dy <= r * r;
  };
}

function triangle(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): Shape {
  const side = (px: number, py: number, qx: number, qy: number, x: number, y: number) =>
    (qx - px) * (y - py) - (qy - py) * (x - px);
  return (x, y) => {
    const d1 = side(ax, ay, bx, by, x, y);
    const d2 = side(bx, by, cx, cy, x, y);
    const d3 = side(cx, cy, ax, ay, x, y);
    return (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0);
  };
}

function circle(cx: number, cy: number, r: number): Shape {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((s) => s(x, y));

/** A chat bubble with a tail at the bottom left, inset by `inset` (for the outline's hole). */
function bubble(inset: number): Shape {
  return union(
    roundedRect(0.14 + inset, 0.2 + inset, 0.86 - inset, 0.7 - inset, 0.14 - inset),
    triangle(0.24 + inset * 1.6, 0.6, 0.44 - inset, 0.6, 0.2 + inset * 1.2, 0.84 - inset * 2.2),
  );
}

const dots = union(circle(0.34, 0.45, 0.055), circle(0.5, 0.45, 0.055), circle(0.66, 0.45, 0.055));

/** Paint layers (shape, colour), last on top, with 4×4 supersampling for smooth edges. */
function paint(size: number, layers: readonly (readonly [Shape, Rgba])[]): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          let colour: Rgba = [0, 0, 0, 0];
          for (const [shape, fill] of layers) if (shape(x, y)) colour = fill;
          // Premultiplied, so transparent samples don't darken the edges.
          r += colour[0] * colour[3];
          g += colour[1] * colour[3];
          b += colour[2] * colour[3];
          a += colour[3];
        }
      }
      const i = (py * size + px) * 4;
      pixels[i] = a ? Math.round(r / a) : 0;
      pixels[i + 1] = a ? Math.round(g / a) : 0;
      pixels[i + 2] = a ? Math.round(b / a) : 0;
      pixels[i + 3] = Math.round(a / (n * n));
    }
  }
  return pixels;
}

const GREEN: Rgba = [18, 140, 126, 255];
const WHITE: Rgba = [255, 255, 255, 255];

/** 192×192: a white chat bubble with three dots on a green rounded square. */
export function colorIcon(): Buffer {
  const size = 192;
  return png(
    size,
    paint(size, [
      [roundedRect(0, 0, 1, 1, 0.18), GREEN],
      [bubble(0), WHITE],
      [dots, GREEN],
    ]),
  );
}

/** 32×32: the bubble's outline and dots, white on transparent, as Teams requires. */
export function outlineIcon(): Buffer {
  const size = 32;
  const ring: Shape = (x, y) => bubble(0)(x, y) && !bubble(0.075)(x, y);
  const white = paint(size, [[union(ring, dots), WHITE]]);
  // Pure white wherever anything is drawn; coverage lives in alpha alone.
  for (let i = 0; i < white.length; i += 4) if (white[i + 3]) white.set([255, 255, 255], i);
  return png(size, white);
}

// --- a minimal PNG encoder: 8-bit RGBA, no interlace, filter 0 -------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

export function png(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, filter method 0, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter type None
    rows.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

// --- localization ----------------------------------------------------------------------------

/** Teams' language tags for the catalogue's languages; English is the manifest's own. */
export const LANGUAGE_TAGS: Readonly<Record<Exclude<Locale, 'en'>, string>> = {
  es: 'es',
  fr: 'fr',
  de: 'de',
  'pt-BR': 'pt-br',
  it: 'it',
  ja: 'ja',
  'zh-CN': 'zh-cn',
};

export const LOCALIZATION_SCHEMA =
  'https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.Localization.schema.json';

/**
 * The manifest's strings in one language. Command titles stay English (they are what users
 * type); their descriptions, the help card's, are translated. Indexes follow manifest.json.
 */
export function manifestStrings(locale: Locale): Record<string, string> {
  const tr = (key: NoticeKey) => t(locale, key);
  return {
    $schema: LOCALIZATION_SCHEMA,
    'name.short': tr('app.name.short'),
    'name.full': tr('app.name.full'),
    'description.short': tr('app.description.short'),
    'description.full': tr('app.description.full'),
    ...Object.fromEntries(
      COMMANDS.map((c, i) => [
        `bots[0].commandLists[0].commands[${i}].description`,
        tr(`command.${c.id}.description`),
      ]),
    ),
    'composeExtensions[0].commands[0].title': tr('app.compose.new.title'),
    'composeExtensions[0].commands[0].description': tr('app.compose.new.description'),
    'composeExtensions[0].commands[1].title': tr('app.compose.search.title'),
    'composeExtensions[0].commands[1].description': tr('app.compose.search.description'),
    'composeExtensions[0].commands[1].parameters[0].title': tr('app.compose.search.parameter'),
    'composeExtensions[0].commands[1].parameters[0].description': tr(
      'app.compose.search.parameter_description',
    ),
    'staticTabs[1].name': tr('app.tab.threads'),
  };
}

export function localizationFiles(): Record<string, string> {
  return Object.fromEntries(
    SUPPORTED_LOCALES.filter((l): l is Exclude<Locale, 'en'> => l !== 'en').map((locale) => [
      `${LANGUAGE_TAGS[locale]}.json`,
      `${JSON.stringify(manifestStrings(locale), null, 2)}\n`,
    ]),
  );
}

function main(): void {
  writeFileSync(join(APP_PACKAGE_DIR, 'color.png'), colorIcon());
  writeFileSync(join(APP_PACKAGE_DIR, 'outline.png'), outlineIcon());
  for (const [file, text] of Object.entries(localizationFiles()))
    writeFileSync(join(APP_PACKAGE_DIR, file), text);
  console.log(
    `appPackage/: color.png, outline.png, ${Object.keys(localizationFiles()).join(', ')}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
