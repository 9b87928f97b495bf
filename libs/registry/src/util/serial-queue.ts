/**
 * Runs async tasks one at a time, in the order they were queued. A task's failure does not stop
 * the queue (tasks handle their own errors; the queue swallows nothing it did not start).
 * @internal
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Queues `task`; resolves (never rejects) once it has run. */
  run(task: () => Promise<void>): Promise<void> {
    const next = this.tail.then(task, task).catch(() => undefined);
    this.tail = next;
    return next;
  }

  /** Resolves once every task queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}
