/**
 * Runs at most `limit` tasks at once; the others wait for a slot, in order, each for at most its
 * own `wait` ms (then it fails with `onTimeout()` without running). A finishing task hands its
 * slot straight to the next waiter. @internal
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  /** How many tasks wait for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>, wait: number, onTimeout: () => Error): Promise<T> {
    if (this.running < this.limit) this.running++;
    else await this.slot(wait, onTimeout);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  private slot(wait: number, onTimeout: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const take = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        reject(onTimeout());
      }, wait);
      this.waiting.push(take);
    });
  }
}
