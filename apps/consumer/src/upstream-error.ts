import { BadGatewayException } from '@nestjs/common';
import { RegistryError } from 'nest-service-registry';

/**
 * What the demo's forwarding endpoints throw for an upstream failure. The registry's own errors
 * (no instance, registry unreachable, every attempt failed, outcome unknown) go as they are to
 * `RegistryExceptionFilter`, which answers 503 / 502 with their `code`; anything else (an
 * instance's error status, a timeout) is a 502 naming the cause.
 */
export function upstreamError(service: string, error: unknown): Error {
  if (error instanceof RegistryError) return error;
  const cause = error instanceof Error ? error.message : JSON.stringify(error);
  return new BadGatewayException({ statusCode: 502, message: `${service} failed: ${cause}` });
}
