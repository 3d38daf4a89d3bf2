/**
 * Serves the contact's phone page: GET /sandbox (HTML) and /sandbox/assets/phone.{js,css}.
 * Plain files next to this module, read on each request (no build step, edits show on reload),
 * from this server only: no CDN, and a Content-Security-Policy that says so.
 */
import { readFile } from 'node:fs/promises';
import type { Request, Response, Server } from 'restify';

const ASSETS: Readonly<Record<string, string>> = {
  'phone.html': 'text/html; charset=utf-8',
  'phone.js': 'text/javascript; charset=utf-8',
  'phone.css': 'text/css; charset=utf-8',
};

const CSP =
  "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

async function sendAsset(res: Response, file: string): Promise<void> {
  // An own-property lookup: "constructor" or "__proto__" are not assets (ops, issue 12).
  const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
  if (!type) {
    res.send(404, { error: 'not found' });
    return;
  }
  // Next to this module in bot/src (tsx); a compiled build must copy page/ beside it.
  const body = await readFile(new URL(`./page/${file}`, import.meta.url));
  res.sendRaw(200, body, {
    'content-type': type,
    'cache-control': 'no-cache',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
  });
}

export function registerPageRoutes(server: Server): void {
  const page = async (_req: Request, res: Response) => sendAsset(res, 'phone.html');
  server.get('/sandbox', page);
  server.get('/sandbox/', page);
  server.get('/sandbox/assets/:file', async (req: Request, res: Response) =>
    sendAsset(res, req.params.file as string),
  );
}
