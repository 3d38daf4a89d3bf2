/**
 * One browser test's world: a fresh tab API stand-in with a few conversations, and a page of
 * the tab acting as Ana (local development, X-Local-User) in a theme.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { colorIcon } from '../../../scripts/app-package.js';
import { TabApiStandIn } from './tab-api-stand-in.js';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Each run writes its screenshots under test-results/screenshots/ (not committed);
 * UPDATE_SCREENSHOTS=1 writes them to docs/screenshots/, the ones the README shows.
 */
export const SCREENSHOTS = join(
  ROOT,
  process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screenshots',
);

export interface World {
  readonly api: TabApiStandIn;
  readonly url: string;
  readonly ids: {
    readonly maria: string;
    readonly joao: string;
    readonly kenji: string;
    readonly lucia: string;
    readonly closed: string;
  };
  /** Ana's last message to Maria, read by Maria; and the failed one. */
  readonly messages: { readonly toMaria: string; readonly failed: string };
}

export async function startWorld(): Promise<World> {
  const api = new TabApiStandIn();
  const now = api.now();
  const ana = { id: 'u-ana', name: 'Ana Souza' };
  const bruno = { id: 'u-bruno', name: 'Bruno Costa' };

  // Maria: active, 35 minutes left in the window, one unread reply, a picture, a failure.
  const maria = api.addContact('Maria Silva', '+447700900123');
  const t1 = api.seedThread({
    contact: maria,
    participants: [ana.id],
    lastInboundAt: now - 23 * HOUR - 25 * MINUTE,
  });
  api.addMessage(t1, {
    direction: 'outbound',
    kind: 'system',
    notice: { key: 'thread.optin_sent', params: { contact: 'Maria Silva' } },
    createdAt: now - 26 * HOUR,
  });
  api.addMessage(t1, {
    direction: 'outbound',
    kind: 'system',
    notice: { key: 'thread.consented_start', params: { contact: 'Maria Silva' } },
    createdAt: now - 25 * HOUR,
  });
  const toMaria = api.addMessage(t1, {
    direction: 'outbound',
    author: ana,
    text: 'Hello Maria, your order 4711 has shipped.',
    status: 'read',
    statusTimes: {
      pending: now - 24 * HOUR,
      sent: now - 24 * HOUR + 1000,
      delivered: now - 24 * HOUR + 5000,
      read: now - 23.9 * HOUR,
    },
    createdAt: now - 24 * HOUR,
  });
  const failed = api.addMessage(t1, {
    direction: 'outbound',
    author: ana,
    text: 'Here is the tracking link.',
    status: 'failed',
    statusTimes: { pending: now - 23.8 * HOUR, failed: now - 23.8 * HOUR + 2000 },
    failure: { graphCode: 131026, reasonKey: 'reason.undeliverable' },
    createdAt: now - 23.8 * HOUR,
  });
  api.addMessage(t1, {
    direction: 'inbound',
    kind: 'image',
    text: 'This is the parcel I received',
    media: api.addPicture(colorIcon(), 'image/png'),
    createdAt: now - 23 * HOUR - 26 * MINUTE,
  });
  t1.readUpTo.set(ana.id, t1.messages.at(-1)?.seq ?? 0);
  api.addMessage(t1, {
    direction: 'inbound',
    text: 'Could you send the tracking link again, please?',
    createdAt: now - 23 * HOUR - 25 * MINUTE,
  });

  // João: a group conversation with Bruno, plenty of time left, read.
  const joao = api.addContact('João Pereira', '+5511987654321');
  const t2 = api.seedThread({
    contact: joao,
    participants: [ana.id, bruno.id],
    lastInboundAt: now - 2 * HOUR,
  });
  api.addMessage(t2, {
    direction: 'inbound',
    text: 'Can I change my delivery address?',
    createdAt: now - 2 * HOUR,
  });
  api.addMessage(t2, {
    direction: 'outbound',
    author: bruno,
    text: 'Of course, which address should we use?',
    status: 'delivered',
    createdAt: now - 110 * MINUTE,
  });
  t2.readUpTo.set(ana.id, t2.messages.at(-1)?.seq ?? 0);

  // Kenji: paused (the window ran out), Lucía: waiting for consent, Hans: closed after Ana left.
  const kenji = api.addContact('Kenji Watanabe', '+81312345678');
  const t3 = api.seedThread({
    contact: kenji,
    participants: [ana.id],
    lastInboundAt: now - 30 * HOUR,
  });
  api.addMessage(t3, {
    direction: 'inbound',
    text: 'Thanks for the quote.',
    createdAt: now - 30 * HOUR,
  });
  t3.readUpTo.set(ana.id, t3.messages.at(-1)?.seq ?? 0);

  const lucia = api.addContact('Lucía Fernández', '+34612345678');
  const t4 = api.seedThread({
    contact: lucia,
    participants: [ana.id],
    state: 'awaiting_consent',
    lastInboundAt: null,
  });
  api.addMessage(t4, {
    direction: 'outbound',
    kind: 'system',
    notice: { key: 'thread.optin_sent', params: { contact: 'Lucía Fernández' } },
    createdAt: now - 5 * HOUR,
  });

  const hans = api.addContact('Hans Müller', '+4915112345678');
  const t5 = api.seedThread({
    contact: hans,
    participants: [],
    former: [ana.id],
    state: 'closed',
    closedReason: 'all_left',
    lastInboundAt: now - 50 * HOUR,
  });
  api.addMessage(t5, {
    direction: 'inbound',
    text: 'Auf Wiedersehen!',
    createdAt: now - 50 * HOUR,
  });
  api.addMessage(t5, {
    direction: 'outbound',
    kind: 'system',
    notice: { key: 'group.you_left', params: { contact: 'Hans Müller' } },
    createdAt: now - 49 * HOUR,
  });
  t5.readUpTo.set(ana.id, t5.messages.at(-1)?.seq ?? 0);

  api.addContact('Noor Haddad', '+971501234567');

  const url = await api.start();
  return {
    api,
    url,
    ids: { maria: t1.id, joao: t2.id, kenji: t3.id, lucia: t4.id, closed: t5.id },
    messages: { toMaria: toMaria.id, failed: failed.id },
  };
}

export interface TabPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
}

/** The tab in a fresh browser profile, acting as `user`, in `theme`. */
export async function openTab(
  browser: Browser,
  world: World,
  o: { theme?: string; user?: string; width?: number; height?: number; locale?: string } = {},
): Promise<TabPage> {
  const context = await browser.newContext({
    viewport: { width: o.width ?? 1280, height: o.height ?? 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(5000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const params = new URLSearchParams({ user: o.user ?? 'u-ana' });
  if (o.theme) params.set('theme', o.theme);
  if (o.locale) params.set('locale', o.locale);
  await page.goto(`${world.url}/tab/?${params}`);
  await page
    .getByRole('heading', { name: 'WhatsApp conversations' })
    .or(page.locator('h1'))
    .first()
    .waitFor();
  return { context, page, errors };
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}
