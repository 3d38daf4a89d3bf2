/**
 * Serves the personal tab (tabs/dist, built by Vite) at /tab/, where the manifest's staticTabs
 * entry points Teams: index.html revalidated on every load (`no-cache`), the content-hashed
 * files under /tab/assets/ cached for a year (`immutable`), each with its content type, and a
 * Content-Security-Policy that lets Teams and Microsoft 365 frame the page and nobody else.
 * https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/tab-requirements
 *
 * Files are read from one directory only: a path that leaves it (../, encoded or not), a hidden
 * file or an unknown kind of file is 404, like a file that is not there.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response, Server } from 'restify';
import type { RouteModule } from './server.js';

export const TAB_FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.teams.microsoft.us',
  'https://local.teams.office.com',
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.microsoft365.com',
  'https://*.cloud.microsoft',
  'https://outlook.office.com',
  'https://outlook.office365.com',
];

/**
 * Scripts and styles from this server only (Fluent UI inserts its styles at run time, hence
 * 'unsafe-inline' for styles alone); pictures from this server and the compose box's previews
 * (blob:); API calls and live updates to this server, and the list of Microsoft's valid host
 * domains that teams-js fetches from Microsoft's CDN to check who frames it.
 */
export const TAB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "font-src 'self' data:",
  "connect-src 'self' https://res.cdn.office.net",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  `frame-ancestors ${TAB_FRAME_ANCESTORS.join(' ')}`,
].join('; ');

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Where the built tab is: beside the compiled server (dist/tab, copied by
 * scripts/copy-assets.mjs), else the Vite output in the source tree (tabs/dist).
 */
export function defaultTabRoot(): string {
  const compiled = fileURLToPath(new URL('../tab/', import.meta.url));
  if (existsSync(resolve(compiled, 'index.html'))) return compiled;
  return fileURLToPath(new URL('../../../tabs/dist/', import.meta.url));
}

export interface TabStaticOptions {
  /** The directory holding index.html and assets/; defaults to defaultTabRoot(). */
  readonly root?: string;
}

export function tabStaticRoute(options: TabStaticOptions = {}): RouteModule {
  const root = resolve(options.root ?? defaultTabRoot());

  const notFound = (res: Response) => {
    res.sendRaw(404, 'Not found', {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  };

  const sendFile = async (res: Response, relative: string): Promise<void> => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(relative);
    } catch {
      return notFound(res);
    }
    const parts = decoded.split(/[/\\]/);
    if (decoded.includes('\0') || parts.some((p) => p === '..' || p.startsWith('.'))) {
      return notFound(res);
    }
    const file = resolve(root, ...parts.filter((p) => p !== ''));
    if (!file.startsWith(root + sep)) return notFound(res);
    const type = CONTENT_TYPES[extname(file).toLowerCase()];
    if (!type) return notFound(res);
    try {
      if (!(await stat(file)).isFile()) return notFound(res);
      const body = await readFile(file);
      const isIndex = file === resolve(root, 'index.html');
      const hashed = !isIndex && parts[0] === 'assets';
      res.sendRaw(200, body, {
        'content-type': type,
        'cache-control': hashed ? IMMUTABLE : 'no-cache',
        'content-security-policy': TAB_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'strict-origin-when-cross-origin',
      });
    } catch {
      notFound(res);
    }
  };

  return {
    register(server: Server) {
      // GET, and HEAD for checks and proxies (Node leaves the body out of a HEAD answer).
      for (const method of ['get', 'head'] as const) {
        server[method]('/tab', async (_req: Request, res: Response) => {
          res.sendRaw(302, '', { location: '/tab/', 'cache-control': 'no-cache' });
        });
        server[method]('/tab/', async (_req: Request, res: Response) =>
          sendFile(res, 'index.html'),
        );
        server[method]('/tab/*', async (req: Request, res: Response) => {
          // The raw path, so that an encoded "..%2F" is seen and refused, not normalised away.
          const path = (req.getPath?.() ?? req.url ?? '').split('?')[0] ?? '';
          return sendFile(res, path.slice('/tab/'.length));
        });
      }
    },
  };
}
