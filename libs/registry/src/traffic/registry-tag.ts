import { AsyncLocalStorage } from 'node:async_hooks';

/** The request header that carries a call's tag (tag routing), read by `RegistryTagInterceptor` and sent on by `RegistryHttpClient`. @publicApi */
export const REGISTRY_TAG_HEADER = 'x-registry-tag';

const tags = new AsyncLocalStorage<string>();

/** Whether `value` can be a tag: a non-empty string of at most 128 characters without commas, spaces or control characters. @internal */
export function isTag(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 128 && /^[^\s,\p{Cc}]+$/u.test(value);
}

/** The tag of the request being handled (set by `RegistryTagInterceptor` or {@link withRegistryTag}), if any. @publicApi */
export function currentRegistryTag(): string | undefined {
  return tags.getStore();
}

/**
 * Runs `work` with `tag` as the current tag: the registry clients' calls made in it (and in
 * everything it awaits) go to instances carrying that tag, as if each had `{ tag }`. A blank or
 * invalid tag runs `work` without one. @publicApi
 */
export function withRegistryTag<T>(tag: string | undefined, work: () => T): T {
  return isTag(tag) ? tags.run(tag, work) : work();
}

/** `init` with the `x-registry-tag` header set to `tag`, unless the caller set one. @internal */
export function withTagHeader(init: RequestInit, tag: string): RequestInit {
  const headers = new Headers(init.headers);
  if (headers.has(REGISTRY_TAG_HEADER)) return init;
  headers.set(REGISTRY_TAG_HEADER, tag);
  return { ...init, headers };
}
