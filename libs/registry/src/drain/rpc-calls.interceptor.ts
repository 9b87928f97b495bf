import { Injectable, Optional, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';
import { ShutdownDrain } from './shutdown-drain.js';

/**
 * Counts the message handlers of `@RpcService` classes (TCP, gRPC: Nest's `rpc` context) while
 * they run, so that a shutdown waits for them before the servers close. `@RpcService` applies it
 * to the class; HTTP requests are counted by the server itself (see {@link ShutdownDrain}). Without
 * `RegistryModule` in the app it does nothing. @internal
 */
@Injectable()
export class RpcCallsInFlight implements NestInterceptor {
  constructor(@Optional() private readonly drain?: ShutdownDrain) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.drain || context.getType() !== 'rpc') return next.handle();
    const call = {};
    this.drain.rpc.add(call);
    return next.handle().pipe(finalize(() => this.drain?.rpc.delete(call)));
  }
}
