import type { ServiceInstance } from '../model/index.js';

/**
 * Instances kept out of choice after a reported failure (outlier ejection), each until its
 * ejection time has passed. Pure apart from the clock, which tests may pass in.
 * @internal
 */
export class Ejections {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly duration: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether any instance is ejected (lets the hot path skip filtering). */
  get size(): number {
    return this.until.size;
  }

  /** Keeps instance `id` out of choice for the ejection time. */
  eject(id: string): void {
    this.until.set(id, this.now() + this.duration);
  }

  /** Whether `id` is ejected now. */
  has(id: string): boolean {
    this.expire();
    return this.until.has(id);
  }

  /** `list` without ejected instances, unless that would leave none (then `list` itself). */
  filter(list: readonly ServiceInstance[]): readonly ServiceInstance[] {
    if (this.until.size === 0) return list;
    this.expire();
    const kept = list.filter((i) => !this.until.has(i.id));
    return kept.length > 0 ? kept : list;
  }

  private expire(): void {
    const now = this.now();
    for (const [id, until] of this.until) if (until <= now) this.until.delete(id);
  }
}
