/** Test data shared by the WhatsApp adapter tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { png } from '../../../../scripts/app-package.js';

export const GRAPH = 'https://graph.example.test';
export const VERSION = 'v23.0';
export const PHONE_NUMBER_ID = '106540352242922';
export const TOKEN = 'EAAG-secret-token-never-logged';

/** A real 1×1 PNG (drawn by the encoder that makes the app's icons). */
export const PNG = png(1, new Uint8Array([0, 0, 0, 255]));

/** JPEG's SOI and JFIF APP0 marker, then filler: enough for type sniffing. */
export const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]),
  Buffer.alloc(64, 0x20),
]);

/** A JSON file from tests/fixtures/whatsapp/. */
export function fixture(name: string): unknown {
  const path = fileURLToPath(new URL(`../../../fixtures/whatsapp/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}
