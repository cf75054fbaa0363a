import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { ConfigurationError } from '../../../../errors.js';

/** What `redisStore` accepts: an ioredis (v5 or v6) client or cluster that you created and own. */
export type RedisClient = Redis | Cluster;

/** Run a Lua script with the store prefix as its only key; resolves to the script's reply. */
export type RunScript = (script: string, args: readonly (string | number)[]) => Promise<unknown>;

/** The ioredis methods the adapter calls. */
export interface RedisCommands {
  evalsha(sha: string, keyCount: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, keyCount: number, ...args: (string | number)[]): Promise<unknown>;
  set(...args: (string | number)[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  getdel(key: string): Promise<string | null>;
  del(...keys: string[]): Promise<number>;
  rpush(key: string, ...values: string[]): Promise<number>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  hget(key: string, field: string): Promise<string | null>;
  zcard(key: string): Promise<number>;
}

/** Check that `client` looks like an ioredis client and return the commands the adapter uses. */
export function redisCommands(client: RedisClient): RedisCommands {
  const candidate = client as unknown as Partial<RedisCommands> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.evalsha !== 'function') {
    throw new ConfigurationError(
      'redisStore(): pass an ioredis client you created, e.g. `redisStore(new Redis(process.env.REDIS_URL))`.',
    );
  }
  return candidate as RedisCommands;
}

/**
 * Run scripts by SHA (`EVALSHA`) and fall back to sending the source (`EVAL`, which also caches it)
 * when the server does not know it yet, for example after a restart or a `SCRIPT FLUSH`.
 */
export function scriptRunner(redis: RedisCommands, prefix: string): RunScript {
  const shas = new Map<string, string>();
  return async (script, args) => {
    let sha = shas.get(script);
    if (sha === undefined) {
      sha = createHash('sha1').update(script).digest('hex');
      shas.set(script, sha);
    }
    try {
      return await redis.evalsha(sha, 1, prefix, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await redis.eval(script, 1, prefix, ...args);
    }
  };
}
