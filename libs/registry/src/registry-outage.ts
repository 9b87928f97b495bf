import { Injectable, Logger } from '@nestjs/common';
import { RegistryBackend } from './backends/registry-backend.js';
import { MESSAGES } from './registry.messages.js';

/**
 * One view of "is the registry reachable" shared by every component that talks to it, so an
 * outage is logged once when it starts (a warning naming what failed and where) and once when it
 * ends. The retries in between are summed up at `debug` at most once a minute (Nest's default
 * logger prints `debug`: a line per retry would be one a second).
 * @internal
 */
/** How often, at most, an outage under way is summed up at debug. */
const DETAIL_EVERY_MS = 60_000;

@Injectable()
export class RegistryOutage {
  private readonly logger = new Logger('Registry');
  private downSince: number | undefined;
  private failures = 0;
  /** When the last line about this outage was written (its start, or a debug summary). */
  private lastLineAt = 0;

  constructor(private readonly backend: RegistryBackend) {}

  /** Whether an outage is under way. */
  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** Whether the backend answers a ping now (one attempt). Never rejects. */
  reachable(): Promise<boolean> {
    return this.backend.ping().then(
      () => true,
      () => false,
    );
  }

  /** A backend operation failed; `retryMs` is when it is tried again. */
  failed(what: string, error: unknown, retryMs?: number): void {
    this.failures++;
    const now = Date.now();
    if (this.downSince === undefined) {
      this.downSince = now;
      this.lastLineAt = now;
      this.logger.warn(MESSAGES.outageStarted(this.backend.kind, this.backend.endpoints, what, error));
    } else if (now - this.lastLineAt >= DETAIL_EVERY_MS) {
      this.lastLineAt = now;
      this.logger.debug(MESSAGES.stillDown(this.failures, now - this.downSince, what, error, retryMs));
    }
  }

  /** A backend operation succeeded: ends an outage under way. */
  succeeded(): void {
    if (this.downSince === undefined) return;
    this.logger.log(MESSAGES.outageEnded(this.backend.kind, this.backend.endpoints, Date.now() - this.downSince, this.failures));
    this.downSince = undefined;
    this.failures = 0;
  }
}
