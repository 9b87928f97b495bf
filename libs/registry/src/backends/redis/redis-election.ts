import type { Candidacy, FencedWrite } from '../registry-backend.js';

/** What a Redis candidacy needs from its backend: the key prefix, and one script call (with the backend's deadline and error handling). @internal */
export interface RedisScripts {
  readonly prefix: string;
  /** Runs a script with `args` as ARGV; `what` names it in errors. */
  run(what: string, script: string, args: readonly string[]): Promise<unknown>;
  /** ARGV (before the fence) of the permanent put and the delete of `key`. */
  putArgs(key: string, value: string): string[];
  deleteArgs(key: string): string[];
}

/**
 * A candidate of a Redis election: a lock key with an expiry and a fencing token (the next value of
 * a counter, one per claim). Writes pass the lock and the token to the script, which refuses them
 * when the lock holds another token (a newer leader) or none. @internal
 */
export class RedisCandidacy implements Candidacy {
  token: string | undefined;
  private readonly lock: string;
  private readonly sequence: string;

  constructor(
    private readonly redis: RedisScripts,
    election: string,
    private readonly ttl: number,
    private readonly scripts: { campaign: string; resign: string; put: string; delete: string },
  ) {
    this.lock = `${redis.prefix}election:${election}`;
    this.sequence = `${redis.prefix}election-seq:${election}`;
  }

  async campaign(): Promise<boolean> {
    const args = [this.lock, this.sequence, this.token ?? '', String(this.ttl * 1000)];
    const held = await this.redis.run(`campaign ${this.lock}`, this.scripts.campaign, args).catch((error: unknown) => {
      this.token = undefined;
      throw error;
    });
    this.token = typeof held === 'string' && held !== '' ? held : undefined;
    return this.token !== undefined;
  }

  put(key: string, value: string, expected?: string): Promise<FencedWrite> {
    return this.fenced(`fenced put ${key}`, this.scripts.put, this.redis.putArgs(key, value), expected);
  }

  delete(key: string, expected?: string): Promise<FencedWrite> {
    return this.fenced(`fenced delete ${key}`, this.scripts.delete, this.redis.deleteArgs(key), expected);
  }

  async resign(): Promise<void> {
    const token = this.token;
    this.token = undefined;
    if (token) await this.redis.run(`resign ${this.lock}`, this.scripts.resign, [this.lock, token]).catch(() => undefined);
  }

  private async fenced(what: string, script: string, args: readonly string[], expected: string | undefined): Promise<FencedWrite> {
    if (this.token === undefined) return 'fenced';
    const result = await this.redis.run(what, script, [...args, this.lock, this.token, expected ?? '']);
    if (result === -2) return 'changed';
    if (result !== -1) return 'written';
    this.token = undefined;
    return 'fenced';
  }
}
