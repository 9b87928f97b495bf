/** How often the coarse clock is refreshed while it is read, milliseconds. @internal */
export const COARSE_CLOCK_RESOLUTION_MS = 10;
/** Refreshes without a read after which the timer stops (1 s). */
const IDLE_TICKS = 100;

let cached = 0;
let timer: NodeJS.Timeout | undefined;
let read = false;
let idle = 0;

/**
 * `Date.now()`, at most `COARSE_CLOCK_RESOLUTION_MS` old, read without a system call: for choices
 * that need the time on every call (slow start's ages, p2c's decay), where a clock read would
 * cost more than the whole choice. An unref'd timer refreshes it while it is being read and stops
 * after a second without reads; the first read after that reads the real clock. @internal
 */
export function coarseNow(): number {
  read = true;
  if (timer === undefined) {
    cached = Date.now();
    idle = 0;
    timer = setInterval(refresh, COARSE_CLOCK_RESOLUTION_MS).unref();
  }
  return cached;
}

function refresh(): void {
  cached = Date.now();
  if (read) {
    read = false;
    idle = 0;
  } else if (++idle >= IDLE_TICKS) {
    clearInterval(timer);
    timer = undefined;
  }
}
