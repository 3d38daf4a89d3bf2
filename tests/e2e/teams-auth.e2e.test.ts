/**
 * With BOT_ID set, /api/messages takes only calls that carry a Bot Framework token: anything
 * else is refused before the bot sees it. Without BOT_ID (local use), calls are anonymous.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTeamsWorld, type TeamsWorld } from './support/teams-product.js';

let world: TeamsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

describe('/api/messages authentication', () => {
  it('refuses an activity without a Bot Framework token when BOT_ID is set, and handles nothing', async () => {
    const w = await startTeamsWorld({
      env: {
        BOT_ID: '00000000-0000-0000-0000-0000000000bb',
        BOT_PASSWORD: 'not-a-real-secret',
        SANDBOX: 'on',
      },
    });
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    expect(await alice.say('help')).toBe(401);
    expect(await w.product.store.getUser(alice.id)).toBeUndefined();
    expect(w.connector.calls).toHaveLength(0);
  });

  it('takes anonymous calls in local mode (no BOT_ID)', async () => {
    const w = await startTeamsWorld();
    world = w;
    const alice = w.user({ id: 'aad-alice', name: 'Alice Adams' });
    expect(await alice.say('help')).toBe(200);
    expect(w.connector.calls).toHaveLength(1);
    expect(w.connector.calls[0]!.authorization).toBeUndefined();
  });
});
