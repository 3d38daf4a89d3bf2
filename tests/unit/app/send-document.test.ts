/**
 * Sending a document: the one use case the bot chat and the tab both call. It checks the file
 * against WhatsApp's rules before anything is kept, keeps it under its name, and writes it to
 * the thread like any message (held here, as the contact has not consented yet).
 */
import { describe, expect, it } from 'vitest';
import { DocumentRefusedError, sendDocument } from '../../../bot/src/app/send-document.js';
import { t } from '../../../bot/src/i18n/catalogue.js';
import { AppWorld, CONTACT_ID, alice } from './world.js';

const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

async function started() {
  const w = await new AppWorld().withContact();
  const outcome = await w.conversations.start(alice, CONTACT_ID);
  if ('rejected' in outcome) throw new Error(outcome.notice.key);
  return { w, threadId: outcome.thread.id };
}

describe('sendDocument', () => {
  it('keeps the document under its name and writes it to the thread', async () => {
    const { w, threadId } = await started();
    const outcome = await sendDocument(w, alice.id, threadId, {
      bytes: PDF,
      filename: ' Quote 42.pdf ',
      caption: 'The quote',
    });
    if ('rejected' in outcome) throw new Error(outcome.notice.key);
    const [message] = outcome.messages;
    expect(message).toMatchObject({
      kind: 'document',
      mediaKind: 'document',
      body: 'The quote',
      status: 'pending',
      media: { filename: 'Quote 42.pdf', mimeType: 'application/pdf', size: PDF.length },
    });
    const kept = await w.store.getMedia(message!.media!.id);
    expect(Buffer.from(kept!.bytes).equals(PDF)).toBe(true);
  });

  it('refuses what WhatsApp would not take, with the words the user reads, and keeps nothing', async () => {
    const { w, threadId } = await started();
    const refusal = (document: { bytes: Uint8Array; filename: string }) =>
      sendDocument(w, alice.id, threadId, document).then(
        () => {
          throw new Error('sent');
        },
        (e: unknown) => e as DocumentRefusedError,
      );
    const refused = await refusal({ bytes: Buffer.from('PK\x03\x04'), filename: 'archive.zip' });
    expect(refused).toBeInstanceOf(DocumentRefusedError);
    expect(t('fr', refused.noticeKey, refused.params)).toBe(
      'WhatsApp n’accepte pas ce type de fichier. Envoyez un fichier PDF, Word, Excel, PowerPoint ou texte (.pdf, .txt, .doc, .xls, .ppt, .docx, .xlsx, .pptx).',
    );
    const big = await refusal({
      bytes: Buffer.concat([PDF, Buffer.alloc(100 * 1024 * 1024)]),
      filename: 'scan.pdf',
    });
    expect(t('en', big.noticeKey, big.params)).toBe(
      'This file is too large for WhatsApp: documents can be at most 100 MB. Send a smaller file, or share a link to it.',
    );
    expect(await w.store.listMessages(threadId)).toHaveLength(1); // the opt-in only
  });
});
