/**
 * Where both entry points get their settings: the server (index.ts) and the admin command
 * line (admin/cli.ts) each call `configFromEnvironment(process.env, process.cwd())`, so they
 * read the same files the same way. Local runs keep settings in env/.env.local (written by
 * the Teams Toolkit) and env/.env.local.user (your own secrets); a variable set in the real
 * environment always wins over a file, and the first file that sets a name wins over the next.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { loadConfig, type Config } from './config.js';

/** Read in this order, relative to the working directory. */
export const ENV_FILES = ['env/.env.local', 'env/.env.local.user'] as const;

export type Environment = Readonly<Record<string, string | undefined>>;

/** The settings `env` and the .env files under `dir` give together (neither is changed). */
export function withEnvFiles(env: Environment, dir: string): Environment {
  const merged: Record<string, string | undefined> = {};
  // Later files first, so an earlier file overwrites them; the real environment last of all.
  for (const file of [...ENV_FILES].reverse()) {
    const path = join(dir, file);
    if (existsSync(path)) Object.assign(merged, parse(readFileSync(path)));
  }
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value;
  return merged;
}

/** The typed configuration from the environment and the .env files; throws ConfigError. */
export function configFromEnvironment(env: Environment, dir: string): Config {
  return loadConfig(withEnvFiles(env, dir));
}
