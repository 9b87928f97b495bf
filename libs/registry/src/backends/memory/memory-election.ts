import type { Candidacy, FencedWrite } from '../registry-backend.js';
import type { MemoryRegistryStore } from './memory-registry.store.js';

interface Claim {
  readonly holder: object;
  readonly token: string;
  expiresAt: number;
}

/**
 * Leader elections of one {@link MemoryRegistryStore}, in process: a claim per election that
 * expires `ttl` seconds after its holder's last campaign, and a token that grows with every new
 * claim. Writes check the claim and write in the same synchronous step. @internal
 */
export class MemoryElections {
  private readonly claims = new Map<string, Claim>();
  private terms = 0;

  constructor(private readonly store: MemoryRegistryStore) {}

  candidacy(election: string, ttl: number, guard: () => void): Candidacy {
    const self = {};
    const current = (): Claim | undefined => {
      const claim = this.claims.get(election);
      if (claim && claim.expiresAt <= Date.now()) this.claims.delete(election);
      return this.claims.get(election);
    };
    const leads = (token: string | undefined): boolean => token !== undefined && current()?.token === token;
    const lose = (): false => {
      candidacy.token = undefined;
      return false;
    };
    /** Whether a write may happen now: leading, and `key` holding `expected` when given. */
    const check = (key: string, expected: string | undefined): FencedWrite => {
      guard();
      if (!leads(candidacy.token)) return lose() || 'fenced';
      return expected === undefined || valueAt(this.store, key) === expected ? 'written' : 'changed';
    };
    const candidacy: Candidacy & { token: string | undefined } = {
      token: undefined,
      campaign: async () => {
        guard();
        let claim = current();
        if (!claim) {
          claim = { holder: self, token: String(++this.terms), expiresAt: 0 };
          this.claims.set(election, claim);
        }
        if (claim.holder !== self) return lose();
        claim.expiresAt = Date.now() + ttl * 1000;
        candidacy.token = claim.token;
        return true;
      },
      put: async (key, value, expected) => {
        const verdict = check(key, expected);
        if (verdict === 'written') this.store.put(key, value);
        return verdict;
      },
      delete: async (key, expected) => {
        const verdict = check(key, expected);
        if (verdict === 'written') this.store.delete(key);
        return verdict;
      },
      resign: async () => {
        if (current()?.holder === self) this.claims.delete(election);
        candidacy.token = undefined;
      },
    };
    return candidacy;
  }

  /** Forgets every claim (a restart with empty data). */
  clear(): void {
    this.claims.clear();
  }
}

/** The value at `key`, or `undefined` (a prefix read of the key itself). */
function valueAt(store: MemoryRegistryStore, key: string): string | undefined {
  return store.list(key).entries.find((entry) => entry.key === key)?.value;
}
