import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { REGISTRY_TAG_HEADER, withRegistryTag } from './registry-tag.js';

/** The `x-registry-tag` of an HTTP request (Express or Fastify) or of gRPC call metadata. */
function tagOf(context: ExecutionContext): string | undefined {
  if (context.getType() === 'http') {
    const value: unknown = context.switchToHttp().getRequest<{ headers?: Record<string, unknown> }>().headers?.[REGISTRY_TAG_HEADER];
    return typeof value === 'string' ? value : undefined;
  }
  if (context.getType() === 'rpc') {
    const metadata = context.switchToRpc().getContext<{ get?: (key: string) => unknown[] } | undefined>();
    const value = typeof metadata?.get === 'function' ? metadata.get(REGISTRY_TAG_HEADER)[0] : undefined;
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/**
 * Passes a request's tag on: a handler run for a request with an `x-registry-tag` header (HTTP)
 * or metadata entry (gRPC) makes every registry call with that tag (`RegistryHttpClient`, which
 * also sends the header on, and `RegistryClientProxy`), so a canary request stays on canary
 * instances along the whole chain. Bind it globally (`APP_INTERCEPTOR`) or with
 * `@UseInterceptors(RegistryTagInterceptor)`. A missing or invalid tag changes nothing. @publicApi
 */
@Injectable()
export class RegistryTagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // Nest binds the handler to the async context in which handle() is called: inside the tag's.
    return withRegistryTag(tagOf(context), () => next.handle());
  }
}
