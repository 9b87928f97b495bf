import { Catch, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { throwError, type Observable } from 'rxjs';
import { BackendUnavailableError, CallFailedError, CallOutcomeUnknownError, NoInstancesError } from '../errors/registry.error.js';
import { registryErrorResponse } from './registry-error-response.js';

/**
 * Turns the call path's expected failures into answers instead of "500 Internal server error"
 * with a stack in the log: `NoInstancesError` → 503 with `Retry-After`, `BackendUnavailableError`
 * → 503 with `Retry-After`, `CallFailedError` → 502, `CallOutcomeUnknownError` → 502. The JSON
 * body carries `statusCode`, `code`, `service` (when known) and `message`, never a stack; the log
 * gets one line, without a stack. In a microservice handler (Nest's `rpc` context) the caller gets
 * `{ status: 'error', code, message }`, as from an `RpcException`.
 *
 * ```ts
 * app.useGlobalFilters(new RegistryExceptionFilter(app.get(HttpAdapterHost)));
 * // or, in a module: providers: [{ provide: APP_FILTER, useClass: RegistryExceptionFilter }]
 * ```
 * @publicApi
 */
@Catch(NoInstancesError, BackendUnavailableError, CallFailedError, CallOutcomeUnknownError)
export class RegistryExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(RegistryExceptionFilter.name);

  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const answer = registryErrorResponse(exception);
    if (!answer) throw exception; // not one of ours (the @Catch list and the mapping agree)
    const { status, body, retryAfterSeconds } = answer;
    if (host.getType() === 'rpc') {
      this.logger.warn(`${body.code}: ${body.message}`);
      return throwError(() => ({ status: 'error', code: body.code, message: body.message }));
    }
    const adapter = this.adapterHost?.httpAdapter;
    if (host.getType() !== 'http' || !adapter) throw exception;
    const http = host.switchToHttp();
    const request: unknown = http.getRequest();
    const response: unknown = http.getResponse();
    this.logger.warn(
      `${String(adapter.getRequestMethod?.(request))} ${String(adapter.getRequestUrl?.(request))} -> ${status} ${body.code}: ${body.message}`,
    );
    if (retryAfterSeconds !== undefined) adapter.setHeader(response, 'Retry-After', String(retryAfterSeconds));
    adapter.reply(response, body, status);
  }
}
