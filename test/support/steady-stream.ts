/** What {@link steadyStream} resolves: every answer and every failure, in the order they came. */
export interface StreamOutcome<T> {
  ok: T[];
  failed: unknown[];
}

/**
 * Sends `count` calls, one every `1000 / perSecond` ms without waiting for answers, and runs
 * `during()` once, right after the call in the middle was sent; resolves once every call and
 * `during()` settled. Counted in calls, not in wall time: a slow machine stretches the stream
 * but never shortens it, so "every call answered" means the same on every run.
 */
export async function steadyStream<T>(
  count: number,
  perSecond: number,
  call: (i: number) => Promise<T>,
  during: () => Promise<void>,
): Promise<StreamOutcome<T>> {
  const ok: T[] = [];
  const failed: unknown[] = [];
  const calls: Array<Promise<void>> = [];
  let action: Promise<void> = Promise.resolve();
  for (let i = 0; i < count; i++) {
    calls.push(
      call(i).then(
        (answer) => void ok.push(answer),
        (error: unknown) => void failed.push(error),
      ),
    );
    if (i === Math.floor(count / 2)) action = during();
    await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
  }
  await Promise.all([...calls, action]);
  return { ok, failed };
}
