/**
 * Runs at most `limit` tasks at once; the others wait for a slot, in order. A waiter fails with
 * `onTimeout()`, without running, once no task has succeeded for its `wait` ms: a long queue
 * that moves keeps waiting, one behind tasks that only fail or hang does not. A finishing task
 * hands its slot straight to the next waiter. @internal
 */
export class ConcurrencyLimit {
  private running = 0;
  /** When a task last succeeded (ms, `Date.now()`). */
  private succeededAt = 0;
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
      const result = await task();
      this.succeededAt = Date.now();
      return result;
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  private slot(wait: number, onTimeout: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout;
      const take = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const check = (): void => {
        const quiet = Date.now() - this.succeededAt;
        if (quiet < wait) {
          timer = setTimeout(check, wait - quiet); // the queue moved meanwhile: keep waiting
          return;
        }
        this.waiting.splice(this.waiting.indexOf(take), 1);
        reject(onTimeout());
      };
      timer = setTimeout(check, wait);
      this.waiting.push(take);
    });
  }
}
