/**
 * Media once (issue 11 item 7), for every store: media that came with a WhatsApp message is
 * kept once per message, whether it is put again later (a redelivery) or by two clients at the
 * same moment (two instances taking the same webhook), and a document keeps its file name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../bot/src/store/port.js';
import type { MakeStore, MakeTwoClients } from './store-fixtures.js';

const PDF = new Uint8Array(Buffer.from('%PDF-1.4\n% an invoice\n%%EOF\n'));

export function describeMediaOnceContract(
  makeStore: MakeStore,
  makeTwoClients: MakeTwoClients,
): void {
  describe('media once per WhatsApp message', () => {
    const open: Store[] = [];
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    it('keeps a file name, and returns the first copy when the same message is put again', async () => {
      const store = await makeStore();
      open.push(store);
      const first = await store.putMedia(PDF, 'application/pdf', 'March', {
        key: 'wamid.once-1',
        filename: 'invoice-march.pdf',
      });
      expect(first).toMatchObject({ filename: 'invoice-march.pdf', caption: 'March' });
      for (let i = 0; i < 3; i++) {
        const again = await store.putMedia(PDF, 'application/pdf', 'March', {
          key: 'wamid.once-1',
          filename: 'invoice-march.pdf',
        });
        expect(again).toEqual(first);
      }
      expect((await store.getMedia(first.id))?.ref).toEqual(first);
      // Without a key (a user's attachment) every put is its own media.
      const a = await store.putMedia(PDF, 'application/pdf');
      const b = await store.putMedia(PDF, 'application/pdf');
      expect(a.id).not.toBe(b.id);
    });

    it('stores one copy when two clients put the same message at once', async () => {
      const [one, two] = await makeTwoClients();
      open.push(one, two);
      const puts = Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? one : two).putMedia(PDF, 'application/pdf', undefined, { key: 'wamid.race' }),
      );
      const refs = await Promise.all(puts);
      expect(new Set(refs.map((r) => r.id)).size).toBe(1);
      const got = await two.getMedia(refs[0]!.id);
      expect(Buffer.from(got!.bytes).equals(Buffer.from(PDF))).toBe(true);
    });
  });
}
