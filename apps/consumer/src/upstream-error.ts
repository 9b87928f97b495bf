import { BadGatewayException, type HttpException, ServiceUnavailableException } from '@nestjs/common';
import { NoInstancesError } from 'nest-service-registry';

/** The demo's answer to an upstream failure: 503 when no instance exists, 502 otherwise, naming the cause. */
export function upstreamError(service: string, error: unknown): HttpException {
  if (error instanceof NoInstancesError) return new ServiceUnavailableException(error.message);
  const cause = error instanceof Error ? error.message : JSON.stringify(error);
  return new BadGatewayException(`${service} failed: ${cause}`);
}
