import { HttpException } from '@nestjs/common';
import {
  BackendUnavailableError,
  CallFailedError,
  CallOutcomeUnknownError,
  NoInstancesError,
  RegistryError,
  type RegistryErrorCode,
} from '../errors/registry.error.js';

/** The JSON body {@link RegistryExceptionFilter} answers with. @publicApi */
export interface RegistryErrorBody {
  statusCode: number;
  /** The error's stable code, e.g. `NO_INSTANCES`, `CALL_OUTCOME_UNKNOWN`. */
  code: RegistryErrorCode;
  /** The service that was called, when the error names one. */
  service?: string;
  message: string;
}

/** An HTTP answer for one registry error: status, body and, for a 503, `Retry-After` seconds. @internal */
export interface RegistryErrorResponse {
  status: number;
  body: RegistryErrorBody;
  retryAfterSeconds?: number;
}

/** A caller may try again in this many seconds: an instance may register, or the registry come back. */
const RETRY_AFTER_SECONDS = 1;

/**
 * The one mapping from the library's errors to HTTP (no `HttpException` anywhere else):
 * `NoInstancesError` and `BackendUnavailableError` → 503 with `Retry-After`; `CallFailedError`
 * (every attempt failed) and `CallOutcomeUnknownError` (sent, then lost: it may have run) → 502;
 * the dashboard's `READ_ONLY` → 403 and `NOT_OWN_INSTANCE` → 404. `undefined` for any other error. @internal
 */
export function registryErrorResponse(error: unknown): RegistryErrorResponse | undefined {
  const answer = (status: number, e: RegistryError, service?: string): RegistryErrorResponse => ({
    status,
    body: { statusCode: status, code: e.code, ...(service === undefined ? {} : { service }), message: e.message },
    ...(status === 503 ? { retryAfterSeconds: RETRY_AFTER_SECONDS } : {}),
  });
  if (error instanceof NoInstancesError) return answer(503, error, error.serviceName);
  if (error instanceof BackendUnavailableError) return answer(503, error);
  if (error instanceof CallFailedError || error instanceof CallOutcomeUnknownError) return answer(502, error, error.serviceName);
  if (error instanceof RegistryError && error.code === 'READ_ONLY') return answer(403, error);
  if (error instanceof RegistryError && error.code === 'NOT_OWN_INSTANCE') return answer(404, error);
  return undefined;
}

/** `error` as the `HttpException` of {@link registryErrorResponse}, or `error` itself when it has no mapping. @internal */
export function asHttpException(error: unknown): unknown {
  const answer = registryErrorResponse(error);
  return answer ? new HttpException(answer.body, answer.status, { cause: error }) : error;
}
