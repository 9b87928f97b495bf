/**
 * Capped exponential backoff with "equal jitter": each delay is between half and all of the
 * current step, and the step doubles up to `maxDelay`. Never gives up; `reset()` after a success.
 * @internal
 */
export class Backoff {
  private step: number;

  constructor(
    private readonly initialDelay: number,
    private readonly maxDelay: number,
    private readonly random: () => number = Math.random,
  ) {
    this.step = initialDelay;
  }

  /** The next delay, milliseconds. */
  next(): number {
    const current = Math.min(this.step, this.maxDelay);
    this.step = Math.min(this.step * 2, this.maxDelay);
    return current / 2 + this.random() * (current / 2);
  }

  /** Starts again from the initial delay. */
  reset(): void {
    this.step = this.initialDelay;
  }
}
