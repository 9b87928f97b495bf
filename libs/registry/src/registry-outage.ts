import { Injectable, Logger } from '@nestjs/common';
import { RegistryBackend } from './backends/registry-backend.js';
import { MESSAGES } from './registry.messages.js';

/**
 * One view of "is the registry reachable" shared by every component that talks to it, so an
 * outage is logged once when it starts (a warning naming what failed and where), once when it
 * ends, and every retry in between only at `debug` (Nest's default logger does not print it).
 * @internal
 */
@Injectable()
export class RegistryOutage {
  private readonly logger = new Logger('Registry');
  private downSince: number | undefined;
  private failures = 0;

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
    if (this.downSince === undefined) {
      this.downSince = Date.now();
      this.logger.warn(MESSAGES.outageStarted(this.backend.kind, this.backend.endpoints, what, error));
    } else {
      this.logger.debug(MESSAGES.retrying(what, error, retryMs));
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
