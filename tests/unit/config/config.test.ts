import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../bot/src/config/config.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('runs with nothing set: port 3978, the sandbox, local bot, embedded store', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3978);
    expect(c.whatsapp.sandbox).toBe(true);
    expect(c.whatsapp.apiUrl).toBe('http://127.0.0.1:3978/sandbox/graph');
    expect(c.whatsapp.apiVersion).toBe('v23.0');
    expect(c.bot.local).toBe(true);
    expect(c.mongodbUri).toBeUndefined();
    expect(c.dataDir).toBe('./data');
  });

  it('uses the real Cloud API when all four WhatsApp settings are given', () => {
    const c = loadConfig({
      WHATSAPP_PHONE_NUMBER_ID: '123',
      WHATSAPP_ACCESS_TOKEN: 'token',
      WHATSAPP_APP_SECRET: 'secret',
      WHATSAPP_VERIFY_TOKEN: 'verify',
    });
    expect(c.whatsapp).toMatchObject({
      sandbox: false,
      apiUrl: 'https://graph.facebook.com',
      phoneNumberId: '123',
    });
  });

  it('names each missing WhatsApp setting when only some are given', () => {
    const p = problems({ WHATSAPP_PHONE_NUMBER_ID: '123' });
    expect(p.some((x) => x.startsWith('WHATSAPP_ACCESS_TOKEN is required'))).toBe(true);
    expect(p.some((x) => x.startsWith('WHATSAPP_APP_SECRET'))).toBe(true);
    expect(p.some((x) => x.startsWith('WHATSAPP_VERIFY_TOKEN'))).toBe(true);
  });

  it('names a malformed setting and says what it should look like', () => {
    expect(problems({ PORT: 'eighty' })[0]).toMatch(/^PORT /);
    expect(problems({ WHATSAPP_API_VERSION: '23' })[0]).toBe(
      'WHATSAPP_API_VERSION must look like v23.0',
    );
    expect(problems({ MONGODB_URI: 'localhost:27017' })[0]).toMatch(
      /^MONGODB_URI must start with mongodb:\/\//,
    );
    expect(problems({ WHATSAPP_MESSAGES_PER_SECOND: '5000' })[0]).toMatch(
      /^WHATSAPP_MESSAGES_PER_SECOND/,
    );
  });

  it('requires the bot password with a bot id, and a tenant for a single-tenant bot', () => {
    expect(problems({ BOT_ID: 'abc', SANDBOX: 'on' })[0]).toMatch(/^BOT_PASSWORD is required/);
    expect(
      problems({ BOT_ID: 'abc', BOT_PASSWORD: 'x', BOT_TYPE: 'SingleTenant', SANDBOX: 'on' })[0],
    ).toMatch(/^BOT_TENANT_ID/);
    expect(loadConfig({ BOT_ID: 'abc', BOT_PASSWORD: 'x', SANDBOX: 'on' }).bot.local).toBe(false);
  });

  it('refuses the sandbox beside real WhatsApp credentials, since its secret is public', () => {
    const p = problems({
      SANDBOX: 'on',
      WHATSAPP_PHONE_NUMBER_ID: '123',
      WHATSAPP_ACCESS_TOKEN: 'token',
      WHATSAPP_APP_SECRET: 'secret',
      WHATSAPP_VERIFY_TOKEN: 'verify',
    });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(
      /^SANDBOX =on cannot run beside real WhatsApp settings \(WHATSAPP_PHONE_NUMBER_ID/,
    );
    expect(problems({ SANDBOX: 'on', WHATSAPP_APP_SECRET: 'secret' })[0]).toMatch(/Unset SANDBOX/);
  });

  it('runs the sandbox for a registered bot (BOT_ID) only when SANDBOX=on says so', () => {
    const p = problems({ BOT_ID: 'abc', BOT_PASSWORD: 'x' });
    expect(p[0]).toMatch(
      /^WHATSAPP_PHONE_NUMBER_ID and the other WhatsApp settings are required when BOT_ID is set.*SANDBOX=on/,
    );
    expect(loadConfig({ BOT_ID: 'abc', BOT_PASSWORD: 'x', SANDBOX: 'on' }).whatsapp.sandbox).toBe(
      true,
    );
    expect(loadConfig({ BOT_ID: '', SANDBOX: 'auto' }).whatsapp.sandbox).toBe(true);
  });

  it('tells how to fix it in the message', () => {
    expect(() => loadConfig({ PORT: '0' })).toThrow(/PORT .*\n.*env\/\.env\.local/s);
  });

  it("reads the tab's Entra app: client id, the ID URI's domain and the authority host", () => {
    const defaults = loadConfig({
      PUBLIC_URL: 'https://wa.contoso.example/',
      AAD_APP_OAUTH_AUTHORITY_HOST: '',
    });
    expect(defaults.tab).toEqual({
      clientId: undefined,
      domain: 'wa.contoso.example',
      authorityHost: 'https://login.microsoftonline.com',
    });
    const set = loadConfig({
      AAD_APP_CLIENT_ID: 'c1',
      TAB_DOMAIN: 'tab.contoso.example',
      AAD_APP_OAUTH_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
    });
    expect(set.tab).toEqual({
      clientId: 'c1',
      domain: 'tab.contoso.example',
      authorityHost: 'https://login.microsoftonline.us',
    });
    expect(problems({ AAD_APP_OAUTH_AUTHORITY_HOST: 'login.microsoftonline.com' })).toEqual([
      'AAD_APP_OAUTH_AUTHORITY_HOST must be an absolute URL, e.g. https://login.microsoftonline.com',
    ]);
  });
});
