import { hostPort } from '../model/index.js';

/** Methods whose requests may be sent twice (RFC 9110 §9.2.2). @internal */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Answers that say "this instance could not serve it", retried for idempotent methods. @internal */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** Whether requests of `method` (any case; default GET) may be repeated. @internal */
export function isIdempotent(method: string | undefined): boolean {
  return IDEMPOTENT_METHODS.has((method ?? 'GET').toUpperCase());
}

/** Socket error codes meaning the request never reached the instance. */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND']);

/**
 * How a failed `fetch()` attempt may be retried: `never-delivered` (no connection was made: safe
 * for any method), `maybe-delivered` (lost after connecting, or timed out: idempotent methods
 * only). Node's fetch (undici) rejects with `TypeError('fetch failed')` whose `cause` has the code. @internal
 */
export function failureKind(error: unknown): 'never-delivered' | 'maybe-delivered' {
  // Not `instanceof Error`: fetch's errors may come from another realm (a VM context, Jest).
  const cause = typeof error === 'object' && error !== null ? (error as { cause?: { code?: unknown } }).cause : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code !== undefined && NOT_DELIVERED.has(code) ? 'never-delivered' : 'maybe-delivered';
}

/** `http://host:port` of an instance, with brackets around an IPv6 host. @internal */
export function originOf(instance: { serviceHost: string; servicePort: number }, scheme = 'http'): string {
  return `${scheme}://${hostPort(instance.serviceHost, instance.servicePort)}`;
}
