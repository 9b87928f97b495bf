/**
 * The work one transport has in flight (requests, handler calls): added when it starts, deleted
 * when it ends. {@link settled} resolves once nothing is left, so a shutdown can wait for it.
 * @internal
 */
export class InFlight<T = object> {
  private readonly items = new Set<T>();
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.items.size;
  }

  /** Every item in flight now. */
  current(): IterableIterator<T> {
    return this.items.values();
  }

  add(item: T): void {
    this.items.add(item);
  }

  delete(item: T): void {
    if (!this.items.delete(item) || this.items.size > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves `true` once nothing is in flight (at once when nothing is), or `false` after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.items.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }
}
