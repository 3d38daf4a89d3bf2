/**
 * GET /tab/…: the built tab, as Teams needs it. Content types, caching (index revalidated, hashed
 * assets immutable), the Content-Security-Policy whose frame-ancestors lets Teams frame the page,
 * 404 for what is not there, and nothing outside the tab's directory, however the path is spelled.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type restify from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, listen } from '../../../bot/src/http/server.js';
import { tabStaticRoute } from '../../../bot/src/http/tab-static.js';

let dir: string;
let server: restify.Server;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tab-static-'));
  const root = join(dir, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>tab</title>');
  writeFileSync(join(root, 'assets', 'index-AbC123.js'), 'console.log("tab")');
  writeFileSync(join(root, 'assets', 'index-AbC123.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'logo-X1.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(root, 'notes.xyz'), 'unknown kind');
  // A file beside the tab's directory, which no path may reach.
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  server = createServer({ logger: pino({ level: 'silent' }), routes: [tabStaticRoute({ root })] });
  url = await listen(server, 0, '127.0.0.1');
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A request with the path sent exactly as written (fetch would normalise "../"). */
function raw(
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers as Record<string, string>,
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the tab at /tab/', () => {
  it('serves index.html at /tab/ and /tab/index.html, revalidated on every load', async () => {
    for (const path of ['/tab/', '/tab/index.html']) {
      const res = await raw(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<title>tab</title>');
    }
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await raw('/tab/assets/index-AbC123.js', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toBe('');
  });

  it('sends /tab to /tab/', async () => {
    const res = await raw('/tab');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/tab/');
  });

  it('lets Teams and Microsoft 365 frame the page, and loads code from this server only', async () => {
    const csp = (await raw('/tab/')).headers['content-security-policy'] ?? '';
    const frameAncestors = csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('frame-ancestors '));
    expect(frameAncestors?.split(' ').slice(1)).toEqual([
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
    ]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' https://res.cdn.office.net");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('serves hashed assets with their content type, cached for a year as immutable', async () => {
    const cases = [
      ['/tab/assets/index-AbC123.js', 'text/javascript; charset=utf-8', 'console.log("tab")'],
      ['/tab/assets/index-AbC123.css', 'text/css; charset=utf-8', 'body{}'],
      ['/tab/assets/logo-X1.svg', 'image/svg+xml', '<svg'],
    ] as const;
    for (const [path, type, body] of cases) {
      const res = await raw(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type']).toBe(type);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toContain(body);
    }
  });

  it('answers 404, not cached, for a file that is not there', async () => {
    const res = await raw('/tab/assets/index-missing.js');
    expect(res.status).toBe(404);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).not.toContain('console.log');
  });

  it('answers 404 for hidden files and unknown kinds of file', async () => {
    expect((await raw('/tab/.env')).status).toBe(404);
    expect((await raw('/tab/notes.xyz')).status).toBe(404);
  });

  it('never serves a file outside its directory, however the path is spelled', async () => {
    const attempts = [
      '/tab/../secret.txt',
      '/tab/assets/../../secret.txt',
      '/tab/%2e%2e/secret.txt',
      '/tab/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/tab/..%5csecret.txt',
      '/tab/%252e%252e/secret.txt',
      '/tab/assets%00/index-AbC123.js',
    ];
    for (const path of attempts) {
      const res = await raw(path);
      expect(res.status, path).not.toBe(200);
      expect(res.body, path).not.toContain('outside');
    }
  });
});
