/**
 * The replica set an operator starts with docker compose (README, "Running on MongoDB") and
 * the MONGODB_URI the README and .ci/mongodb give for it must name the same members: the
 * compose file cannot be run here (no Docker engine), so at least they are checked to agree.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const compose = parse(readFileSync('docker/mongodb-replica-set.compose.yaml', 'utf8'), {
  merge: true,
}) as {
  services: Record<string, { command: string[]; healthcheck?: { test: string[] } }>;
};
const readme = readFileSync('README.md', 'utf8');
const ciJob = readFileSync('.ci/mongodb', 'utf8');
const URI = 'mongodb://localhost:27017,localhost:27018,localhost:27019/?replicaSet=rs0';

describe('the MongoDB replica set for tests', () => {
  it('has three members of replica set rs0, each on the port the URI names', () => {
    const members = Object.values(compose.services);
    expect(members).toHaveLength(3);
    const ports = members.map((m) => {
      expect(m.command.slice(0, 3)).toEqual(['mongod', '--replSet', 'rs0']);
      return m.command[m.command.indexOf('--port') + 1];
    });
    expect(ports).toEqual(['27017', '27018', '27019']);
    const initiate = compose.services.mongo1?.healthcheck?.test.at(-1) ?? '';
    for (const port of ports) expect(initiate).toContain(`host: 'localhost:${port}'`);
  });

  it('is what the README and the CI job point MONGODB_URI at', () => {
    expect(readme).toContain(`MONGODB_URI='${URI}' npm test`);
    expect(readme).toContain(
      'docker compose -f docker/mongodb-replica-set.compose.yaml up -d --wait',
    );
    expect(ciJob).toContain(`MONGODB_URI='${URI}'`);
    expect(ciJob).toContain('docker compose -f docker/mongodb-replica-set.compose.yaml');
  });
});
