/**
 * `npm run admin -- store migrate`: the deploy step that applies the store's migrations ahead
 * of a rollout, shown here on the embedded store (the MongoDB store records its index
 * migrations the same way; see tests/contract/mongo-store.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../../../bot/src/admin/admin-commands.js';
import { MIGRATIONS } from '../../../bot/src/store/sqlite/migrations.js';
import { SqliteStore } from '../../../bot/src/store/sqlite/sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'wa-teams-admin-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function admin(store: SqliteStore, ...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  await runAdmin(argv, store, (l) => lines.push(l), { maxParticipants: 8 });
  return lines;
}

describe('admin: store migrations', () => {
  it('applies pending migrations once and says so, then finds nothing to apply', async () => {
    const file = join(dir, 'store.db');
    const first = new SqliteStore(file);
    const versions = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);
    try {
      const lines = await admin(first, 'store', 'migrate');
      expect(lines[0]).toBe(`applied ${versions.length} migrations now: ${versions.join(', ')}`);
      expect(lines[1]).toBe(`${versions.length} migrations recorded:`);
      expect(lines.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual(versions.map(String));
      expect(lines.at(-1)).toContain(MIGRATIONS.find((m) => m.version === versions.at(-1))?.name);
    } finally {
      await first.close();
    }

    const again = new SqliteStore(file);
    try {
      const lines = await admin(again, 'store', 'migrate');
      expect(lines[0]).toBe('nothing to apply: the store was up to date');
      const listed = await admin(again, 'store', 'migrations');
      expect(listed[0]).toBe(`${versions.length} migrations recorded:`);
      expect(listed).toHaveLength(versions.length + 1);
    } finally {
      await again.close();
    }
  });
});
