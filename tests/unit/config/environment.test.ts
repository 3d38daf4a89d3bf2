/**
 * One place reads the .env files (config/environment.ts): the server and the admin command
 * line get the same settings from the same files, and a variable set in the real environment
 * wins over a file.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../bot/src/config/config.js';
import { configFromEnvironment, withEnvFiles } from '../../../bot/src/config/environment.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A working directory with env/.env.local and env/.env.local.user holding these lines. */
function workingDir(local: string, user = ''): string {
  const root = mkdtempSync(join(tmpdir(), 'wa-teams-env-'));
  roots.push(root);
  mkdirSync(join(root, 'env'));
  writeFileSync(join(root, 'env', '.env.local'), local);
  if (user) writeFileSync(join(root, 'env', '.env.local.user'), user);
  return root;
}

describe('the environment and the .env files', () => {
  it('reads both files, the first file that sets a name winning, and the real environment over both', () => {
    const dir = workingDir(
      '# written by the Teams Toolkit\nBOT_ID=from-local\nPORT=4001\nMAX_PARTICIPANTS=5\n',
      'BOT_PASSWORD="from user file"\nPORT=4002\n',
    );
    const env = withEnvFiles({ PORT: '4003', OTHER: 'kept' }, dir);
    expect(env).toMatchObject({
      BOT_ID: 'from-local',
      BOT_PASSWORD: 'from user file',
      MAX_PARTICIPANTS: '5',
      PORT: '4003',
      OTHER: 'kept',
    });
    expect(withEnvFiles({}, dir).PORT).toBe('4001');
    // An empty variable in the environment is still set: it wins too.
    expect(withEnvFiles({ BOT_ID: '' }, dir).BOT_ID).toBe('');
  });

  it('reads the environment alone when there are no files, and changes neither', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wa-teams-env-'));
    roots.push(dir);
    const env = { PORT: '4010' };
    expect(withEnvFiles(env, dir)).toEqual({ PORT: '4010' });
    expect(env).toEqual({ PORT: '4010' });
  });

  it('gives the typed configuration, the real environment winning', () => {
    const dir = workingDir('PORT=4001\nMAX_PARTICIPANTS=5\n');
    const config = configFromEnvironment({ MAX_PARTICIPANTS: '7' }, dir);
    expect(config.port).toBe(4001);
    expect(config.maxParticipants).toBe(7);
    expect(() => configFromEnvironment({ PORT: 'none' }, dir)).toThrow(ConfigError);
  });
});

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = import.meta.resolve('tsx');
const ENTRY_POINTS = {
  server: [join(REPO, 'bot/src/index.ts')],
  admin: [join(REPO, 'bot/src/admin/cli.ts'), 'store', 'migrations'],
} as const;

/** What an entry point prints when its configuration is refused (it exits 1). */
async function refusal(
  entry: keyof typeof ENTRY_POINTS,
  cwd: string,
  env: Record<string, string>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', TSX, ...ENTRY_POINTS[entry]],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, _stdout, stderr) => {
        if (error?.code === 1) resolve(stderr.trim());
        else reject(new Error(`${entry} did not refuse its configuration: ${String(error)}`));
      },
    );
  });
}

describe('the server and the admin command line', () => {
  it('read the same files, and a real environment variable wins over a file', async () => {
    // Settings each entry point refuses, so neither starts: what they say shows what they read.
    const dir = workingDir('PORT=70000\n', 'WHATSAPP_API_VERSION=23\n');
    const fromFiles = await Promise.all([refusal('server', dir, {}), refusal('admin', dir, {})]);
    expect(fromFiles[0]).toMatch(/^Invalid configuration:/);
    expect(fromFiles[0]).toContain('PORT Too big');
    expect(fromFiles[0]).toContain('WHATSAPP_API_VERSION must look like v23.0');
    expect(fromFiles[1]).toBe(fromFiles[0]);

    const env = { PORT: '0', WHATSAPP_API_VERSION: 'v24.0' };
    const fromEnv = await Promise.all([refusal('server', dir, env), refusal('admin', dir, env)]);
    // The environment's PORT (too small), not the file's (too big); its version, not the file's.
    expect(fromEnv[0]).toContain('PORT Too small');
    expect(fromEnv[0]).not.toContain('PORT Too big');
    expect(fromEnv[0]).not.toContain('WHATSAPP_API_VERSION');
    expect(fromEnv[1]).toBe(fromEnv[0]);
  }, 120_000);
});
