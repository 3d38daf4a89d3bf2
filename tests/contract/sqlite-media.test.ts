/**
 * Media once on the embedded store's disk: a message put ten times (some at once) leaves one
 * file in the media folder, and a write that fails leaves no temporary file behind.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE_NAME } from '../../bot/src/store/open-store.js';
import { MediaDirectory } from '../../bot/src/store/sqlite/media-bytes.js';
import { SqliteStore } from '../../bot/src/store/sqlite/sqlite-store.js';

const root = mkdtempSync(join(tmpdir(), 'wa-teams-media-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('media on disk', () => {
  it('keeps one file for a message put ten times, five of them at once by two processes', async () => {
    const dir = mkdtempSync(join(root, 'once-'));
    const file = join(dir, SQLITE_FILE_NAME);
    const one = new SqliteStore(file);
    const two = new SqliteStore(file);
    try {
      await Promise.all(
        [one, two, one, two, one].map((s) =>
          s.putMedia(PNG, 'image/png', 'box', { key: 'wamid.ten' }),
        ),
      );
      for (let i = 0; i < 5; i++) await one.putMedia(PNG, 'image/png', 'box', { key: 'wamid.ten' });
      expect(readdirSync(join(dir, 'media'))).toHaveLength(1);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('removes the temporary file of a write that fails', async () => {
    const dir = mkdtempSync(join(root, 'fail-'));
    const media = new MediaDirectory(dir);
    // Where the picture should go there is already a folder with something in it: the rename
    // is refused, as a full disk or a permission problem would refuse it.
    mkdirSync(join(dir, 'taken'));
    writeFileSync(join(dir, 'taken', 'x'), 'x');
    await expect(media.write('taken', PNG)).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});
