/**
 * The Teams app package: the manifest validates against the official v1.22 schema (shipped by
 * @microsoft/app-manifest, read from disk: no network), the icons have the sizes Teams requires,
 * the bot's commands are the help card's, and the Toolkit files and env templates agree.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { AppManifestUtils } from '@microsoft/app-manifest';
import addFormatsModule from 'ajv-formats';
import { parse as parseEnv } from 'dotenv';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { SUPPORTED_LOCALES, t } from '../../../bot/src/i18n/catalogue.js';
import { COMMANDS, helpCard } from '../../../bot/src/teams/cards/index.js';
import {
  colorIcon,
  LANGUAGE_TAGS,
  localizationFiles,
  outlineIcon,
} from '../../../scripts/app-package.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const readJson = (path: string) => JSON.parse(read(path)) as Record<string, unknown>;

const schemaDir = join(
  dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest/package.json')),
  'build/json-schemas/teams/v1.22',
);
const officialSchema = (file: string) =>
  JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object;
/** Ajv for JSON Schema draft-04, the official schemas' draft, as @microsoft/app-manifest loads it. */
const AjvDraft04 = createRequire(createRequire(import.meta.url).resolve('@microsoft/app-manifest'))(
  'ajv-draft-04',
) as new (options: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
};

const manifestText = read('appPackage/manifest.json');
const manifest = JSON.parse(manifestText) as {
  manifestVersion: string;
  $schema: string;
  localizationInfo: { additionalLanguages: { languageTag: string; file: string }[] };
  bots: {
    botId: string;
    scopes: string[];
    supportsFiles: boolean;
    commandLists: { commands: { title: string; description: string }[] }[];
  }[];
  composeExtensions: { botId: string; commands: Record<string, unknown>[] }[];
  staticTabs: Record<string, unknown>[];
  webApplicationInfo: { id: string; resource: string };
  validDomains: string[];
  name: { short: string; full: string };
  description: { short: string; full: string };
};

/** The `${{NAME}}` placeholders the Toolkit fills in from env/.env.<environment>. */
const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/\$\{\{(\w+)\}\}/g)].map((m) => m[1] as string))].sort();

const envFiles = { local: parseEnv(read('env/.env.local')), dev: parseEnv(read('env/.env.dev')) };

/** What provisioning would write: ids are GUIDs, the tab is served by the bot's host. */
const provisioned: Record<string, string> = {
  TEAMS_APP_ID: '6f2b8a3e-1c4d-4e5f-9a0b-1c2d3e4f5a6b',
  BOT_ID: '0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a',
  AAD_APP_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
  BOT_DOMAIN: 'whatsapp-teams.example.com',
  BOT_ENDPOINT: 'https://whatsapp-teams.example.com',
  TAB_DOMAIN: 'whatsapp-teams.example.com',
  TAB_ENDPOINT: 'https://whatsapp-teams.example.com',
};

function filledIn(text: string, env: Record<string, string>): unknown {
  return JSON.parse(
    text.replace(
      /\$\{\{(\w+)\}\}/g,
      (_, name: string) => env[name] || provisioned[name] || `missing-${name}`,
    ),
  );
}

describe('the app manifest', () => {
  it('should use the current schema, v1.22', () => {
    expect(manifest.manifestVersion).toBe('1.22');
    expect(manifest.$schema).toBe(
      'https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json',
    );
  });

  it.each(['local', 'dev'] as const)(
    'should validate against the official schema once the %s environment is filled in',
    async (environment) => {
      const filled = filledIn(manifestText, envFiles[environment]);
      const problems = await AppManifestUtils.validateAgainstSchema(
        filled as never,
        officialSchema('MicrosoftTeams.schema.json') as never,
      );
      expect(problems).toEqual([]);
    },
  );

  it.each(['local', 'dev'] as const)(
    'should find every placeholder it uses in env/.env.%s',
    (environment) => {
      const used = placeholders(manifestText + read('appPackage/aad.manifest.json'));
      const generated = ['AAD_APP_ACCESS_AS_USER_PERMISSION_ID'];
      expect(
        used.filter((name) => !(name in envFiles[environment]) && !generated.includes(name)),
      ).toEqual([]);
    },
  );

  it('should give the bot the personal scope, pictures (files) and the help card’s commands', () => {
    const [bot] = manifest.bots;
    expect(bot).toMatchObject({ botId: '${{BOT_ID}}', scopes: ['personal'], supportsFiles: true });
    const commands = bot?.commandLists[0]?.commands ?? [];
    expect(commands.map((c) => c.title)).toEqual(COMMANDS.map((c) => c.title));
    expect(commands.map((c) => c.description)).toEqual(
      COMMANDS.map((c) => t('en', `command.${c.id}.description`)),
    );
    const helpFacts = JSON.stringify(helpCard('en'));
    for (const c of commands) expect(helpFacts).toContain(c.description);
  });

  it('should keep command titles and descriptions within what Teams shows (32 and 128 characters)', () => {
    for (const locale of SUPPORTED_LOCALES) {
      for (const c of COMMANDS) {
        expect(c.title.length).toBeLessThanOrEqual(32);
        expect([...t(locale, `command.${c.id}.description`)].length).toBeLessThanOrEqual(128);
      }
    }
  });

  it('should offer "New WhatsApp message" in the compose box, and a search of contacts and threads', () => {
    const [extension] = manifest.composeExtensions;
    expect(extension?.botId).toBe('${{BOT_ID}}');
    expect(extension?.commands[0]).toMatchObject({
      id: 'newWhatsAppMessage',
      type: 'action',
      title: 'New WhatsApp message',
      fetchTask: true,
      context: ['compose', 'commandBox'],
    });
    expect(extension?.commands[1]).toMatchObject({
      id: 'searchWhatsApp',
      type: 'query',
      parameters: [{ name: 'query' }],
    });
  });

  it('should have the personal tab of threads, and SSO for it', () => {
    expect(manifest.staticTabs).toContainEqual(
      expect.objectContaining({
        entityId: 'threads',
        contentUrl: '${{TAB_ENDPOINT}}/tab/index.html',
        scopes: ['personal'],
      }),
    );
    expect(manifest.webApplicationInfo).toEqual({
      id: '${{AAD_APP_CLIENT_ID}}',
      resource: 'api://${{TAB_DOMAIN}}/${{AAD_APP_CLIENT_ID}}',
    });
    expect(manifest.validDomains).toContain('${{TAB_DOMAIN}}');
    const aad = JSON.parse(read('appPackage/aad.manifest.json')) as { identifierUris: string[] };
    expect(aad.identifierUris).toEqual([manifest.webApplicationInfo.resource]);
  });

  it('should say in English what the catalogue says', () => {
    expect(manifest.name.short).toBe(`${t('en', 'app.name.short')}\${{APP_NAME_SUFFIX}}`);
    expect(manifest.description).toEqual({
      short: t('en', 'app.description.short'),
      full: t('en', 'app.description.full'),
    });
    expect(manifest.composeExtensions[0]?.commands[0]?.title).toBe(
      t('en', 'app.compose.new.title'),
    );
    expect(manifest.staticTabs.find((tab) => tab.entityId === 'threads')?.name).toBe(
      t('en', 'app.tab.threads'),
    );
  });
});

describe('the localization files', () => {
  it('should list one file for every other supported language', () => {
    expect(manifest.localizationInfo.additionalLanguages).toEqual(
      Object.values(LANGUAGE_TAGS).map((tag) => ({ languageTag: tag, file: `${tag}.json` })),
    );
  });

  it('should be what scripts/app-package.ts makes from the catalogue (run it after changing strings)', () => {
    for (const [file, text] of Object.entries(localizationFiles()))
      expect(read(`appPackage/${file}`)).toBe(text);
  });

  // The localization schema's patterns are not valid as Unicode RegExps (`\b]`), so it is
  // compiled here without the u flag, with the draft-04 Ajv that @microsoft/app-manifest uses.
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  // ajv-formats is CommonJS: its default export is the plugin function.
  (addFormatsModule as unknown as (a: unknown, formats: string[]) => void)(ajv, ['uri']);
  const validateStrings = ajv.compile(officialSchema('MicrosoftTeams.Localization.schema.json'));

  it.each(Object.keys(localizationFiles()))(
    '%s should validate against the official localization schema',
    (file) => {
      const ok = validateStrings(readJson(`appPackage/${file}`));
      expect(ok ? [] : validateStrings.errors).toEqual([]);
    },
  );
});

/** Width, height and RGBA pixels of a PNG (8-bit RGBA, non-interlaced, any filter). */
function decodePng(bytes: Buffer): {
  width: number;
  height: number;
  rgba: Uint8Array;
  colourType: number;
} {
  expect(bytes.subarray(0, 8)).toEqual(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  );
  let offset = 8;
  let width = 0,
    height = 0,
    colourType = -1;
  const idat: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('ascii', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colourType = data[9] as number;
    }
    if (type === 'IDAT') idat.push(data);
    offset += length + 12;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] as number;
      const left = x >= 4 ? (rgba[y * stride + x - 4] as number) : 0;
      const up = y > 0 ? (rgba[(y - 1) * stride + x] as number) : 0;
      const upLeft = x >= 4 && y > 0 ? (rgba[(y - 1) * stride + x - 4] as number) : 0;
      const paeth = () => {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      };
      const predictor = [0, left, up, (left + up) >> 1, paeth()][filter as number] as number;
      rgba[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, rgba, colourType };
}

describe('the icons', () => {
  it('should be a 192×192 colour icon', () => {
    const icon = decodePng(readFileSync(join(root, 'appPackage/color.png')));
    expect([icon.width, icon.height]).toEqual([192, 192]);
  });

  it('should be a 32×32 outline icon, white on transparent', () => {
    const icon = decodePng(readFileSync(join(root, 'appPackage/outline.png')));
    expect([icon.width, icon.height, icon.colourType]).toEqual([32, 32, 6]);
    const offWhite = [];
    let transparent = 0;
    for (let i = 0; i < icon.rgba.length; i += 4) {
      if (icon.rgba[i + 3] === 0) transparent++;
      else if (icon.rgba[i] !== 255 || icon.rgba[i + 1] !== 255 || icon.rgba[i + 2] !== 255)
        offWhite.push(i / 4);
    }
    expect(offWhite).toEqual([]);
    expect(transparent).toBeGreaterThan(32 * 32 * 0.4);
  });

  it('should be what scripts/app-package.ts draws', () => {
    expect(readFileSync(join(root, 'appPackage/color.png')).equals(colorIcon())).toBe(true);
    expect(readFileSync(join(root, 'appPackage/outline.png')).equals(outlineIcon())).toBe(true);
  });
});

describe('the Toolkit project files', () => {
  const project = (file: string) =>
    YAML.parse(read(file)) as {
      version: string;
      provision: { uses: string; with?: Record<string, unknown> }[];
      deploy?: { uses: string; with: { target?: string; envs?: Record<string, string> } }[];
    };
  const BUILT_IN = ['TEAMSFX_ENV', 'TEAMS_APP_TENANT_ID'];

  it.each([
    ['teamsapp.yml', 'dev'],
    ['teamsapp.local.yml', 'local'],
  ] as const)(
    '%s should provision the Teams app, the SSO app, the bot and the package',
    (file, environment) => {
      const yml = project(file);
      expect(yml.version).toBe('v1.8');
      expect(yml.provision.map((a) => a.uses)).toEqual([
        'teamsApp/create',
        'script',
        'aadApp/create',
        'aadApp/update',
        'botAadApp/create',
        'botFramework/create',
        'teamsApp/zipAppPackage',
        'teamsApp/validateAppPackage',
        'teamsApp/update',
      ]);
      expect(
        yml.provision.find((a) => a.uses === 'botFramework/create')?.with?.messagingEndpoint,
      ).toBe('${{BOT_ENDPOINT}}/api/messages');
      const undeclared = placeholders(read(file)).filter(
        (name) =>
          !(name in envFiles[environment]) &&
          !BUILT_IN.includes(name) &&
          !name.startsWith('SECRET_'),
      );
      expect(undeclared).toEqual([]);
    },
  );

  it("should write the bot's settings for local runs, its password only to the gitignored .user file", () => {
    const deploy = project('teamsapp.local.yml').deploy ?? [];
    const env = deploy.find((a) => a.uses === 'file/createOrUpdateEnvironmentFile');
    expect(env?.with.target).toBe('./env/.env.local.user');
    expect(env?.with.envs).toMatchObject({
      PUBLIC_URL: '${{BOT_ENDPOINT}}',
      BOT_PASSWORD: '${{SECRET_BOT_PASSWORD}}',
    });
    expect(read('.gitignore').split('\n')).toContain('env/.env.*.user');
  });

  it.each(['env/.env.local', 'env/.env.dev'])('%s should hold no secret', (file) => {
    const env = parseEnv(read(file));
    const secrets = Object.entries(env).filter(
      ([name, value]) => /SECRET|PASSWORD|TOKEN|KEY/.test(name) && value !== '',
    );
    expect(secrets).toEqual([]);
    expect(Object.keys(env).filter((name) => name.startsWith('SECRET_'))).toEqual([]);
  });
});
