import { BadGatewayException, type HttpException, ServiceUnavailableException } from '@nestjs/common';
import { NoInstancesError, RegistryError } from 'nest-service-registry';

/**
 * The demo's answer to an upstream failure: 503 when no instance exists, 502 otherwise, naming
 * the cause, with the registry error's `code` when there is one (`CALL_OUTCOME_UNKNOWN`: the call
 * may have been processed, `CALL_FAILED`: it was not).
 */
export function upstreamError(service: string, error: unknown): HttpException {
  const code = error instanceof RegistryError ? error.code : undefined;
  if (error instanceof NoInstancesError) return new ServiceUnavailableException({ statusCode: 503, code, message: error.message });
  const cause = error instanceof Error ? error.message : JSON.stringify(error);
  return new BadGatewayException({ statusCode: 502, code, message: `${service} failed: ${cause}` });
}
