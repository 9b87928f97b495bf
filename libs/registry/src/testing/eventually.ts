/** Options of {@link eventually}. @publicApi */
export interface EventuallyOptions {
  /** Give up after this many milliseconds. Default 5000. */
  timeout?: number;
  /** Pause between two attempts, milliseconds. Default 50. */
  interval?: number;
}

/**
 * Calls `check` until it returns without throwing (resolving to its result) or the deadline
 * passes (rejecting with the last error). For tests: poll with a deadline instead of sleeping.
 * @publicApi
 */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const timeout = options.timeout ?? 5_000;
  const interval = options.interval ?? 50;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`eventually(): condition not met within ${timeout} ms: ${reason}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
