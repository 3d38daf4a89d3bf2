/**
 * `npm run playground`: the product with the WhatsApp sandbox, and the Microsoft 365 Agents
 * Playground as the Teams client, pointed at it. One person plays the Teams user in the
 * Playground; another plays the contact on the sandbox's phone page. Ctrl-C stops both.
 *
 *   npm run playground                 # bot on :3978, Playground on :56150
 *   PORT=4000 npm run playground       # another port for the bot
 *   PLAYGROUND_PORT=56151 npm run playground
 *
 * The bot runs in local mode (no BOT_ID: anonymous Bot Framework calls, everyone enabled).
 * https://learn.microsoft.com/microsoft-365/agents-sdk/test-with-toolkit-project
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const port = process.env.PORT ?? '3978';
const playgroundPort = process.env.PLAYGROUND_PORT ?? '56150';
const botUrl = `http://localhost:${port}`;
const require = createRequire(import.meta.url);

const children: ChildProcess[] = [];
let stopping = false;

function start(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): ChildProcess {
  const child = spawn(command, args, { env, stdio: 'inherit' });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\n${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest.`);
    void stop(code ?? 1);
  });
  return child;
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  const deadline = Date.now() + 5_000;
  while (
    children.some((c) => c.exitCode === null && c.signalCode === null) &&
    Date.now() < deadline
  )
    await sleep(100);
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  process.exit(code);
}

async function waitForBot(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${botUrl}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the bot did not answer on ${botUrl}/healthz`);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  // Local mode: whatever env/.env.local says, no bot registration and the sandbox on.
  const botEnv = { ...process.env, PORT: port, SANDBOX: 'on', BOT_ID: '', BOT_PASSWORD: '' };
  start('the bot', process.execPath, ['--import', 'tsx', 'bot/src/index.ts'], botEnv);
  await waitForBot();

  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  start(
    'the Agents Playground',
    process.execPath,
    [
      cli,
      '--app-endpoint',
      `${botUrl}/api/messages`,
      '--channel-id',
      'msteams',
      '--port',
      playgroundPort,
      '--disable-telemetry',
    ],
    {
      ...process.env,
    },
  );
  console.log(
    [
      '',
      `  Teams user (Agents Playground):  http://localhost:${playgroundPort}`,
      `  The contact's phone (sandbox):   ${botUrl}/sandbox`,
      '',
      '  In the Playground, type: add contact Maria Silva +44 7700 900123, then: new Maria.',
      '  Ctrl-C stops both.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  void stop(1);
});
