/**
 * The browser tests drive Debian's Chromium (/usr/bin/chromium) with playwright-core: never a
 * downloaded browser. Without it they fail, saying how to install it; they do not skip.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../../..');

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's Chromium at ${CHROMIUM}, which is missing. ` +
        'Install it with: apt-get install -y chromium',
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/**
 * `npm test` builds the tab first (pretest); `npx vitest run` may not have: build it here when
 * tabs/dist is missing or older than its sources, so the tests never run an old build.
 */
export async function ensureTabBuilt(): Promise<void> {
  const index = join(ROOT, 'tabs/dist/index.html');
  const sources = Math.max(
    newest(join(ROOT, 'tabs/src')),
    newest(join(ROOT, 'tabs/index.html')),
    newest(join(ROOT, 'bot/src/i18n/locales')),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const { build } = await import('vite');
  await build({
    configFile: join(ROOT, 'tabs/vite.config.ts'),
    root: join(ROOT, 'tabs'),
    logLevel: 'warn',
  });
}
