import type { CanActivate, Type } from '@nestjs/common';
import { invalidOption } from '../options/option-rules.js';

/** A Nest guard: a class (instantiated by Nest, with injection) or an instance. @publicApi */
export type DashboardGuard = Type<CanActivate> | CanActivate;

/**
 * `RegistryDashboardModule.forRoot(options)`. The dashboard is read-only unless `readOnly` is
 * `false`, and then only with a guard: drain/undrain change what consumers see. @publicApi
 */
export interface RegistryDashboardOptions {
  /** Where the page is served (its data and assets live below it). Default `/registry/dashboard`. */
  path?: string;
  /** Default `true`. `false` adds drain/undrain buttons for this process's own instances (needs `guards`). */
  readOnly?: boolean;
  /** Guards run before every dashboard route (page, data, events, drain), e.g. an auth guard. */
  guards?: readonly DashboardGuard[];
  /** How many recent discovery events the page lists. Default 100. */
  eventLogSize?: number;
  /**
   * Milliseconds between two reads of the namespace's service list while a page is open (new
   * services appear within this; instances of known services are live). Default 5000.
   */
  serviceListInterval?: number;
}

/** {@link RegistryDashboardOptions} after defaults and validation. @internal */
export interface ResolvedDashboardOptions {
  readonly path: string;
  readonly readOnly: boolean;
  readonly guards: readonly DashboardGuard[];
  readonly eventLogSize: number;
  readonly serviceListInterval: number;
}

/** A class (Nest instantiates it) or an object with `canActivate()`. */
function isGuard(value: unknown): value is DashboardGuard {
  return typeof value === 'function' || typeof (value as Partial<CanActivate> | null)?.canActivate === 'function';
}

const PATH = /^\/[A-Za-z0-9._~\-/]*$/;

/** Validates the dashboard options, naming `dashboard.<field>`, the value and the rule. @internal */
export function resolveDashboardOptions(input: RegistryDashboardOptions = {}): ResolvedDashboardOptions {
  const path = input.path ?? '/registry/dashboard';
  if (typeof path !== 'string' || !PATH.test(path) || path.includes('//')) {
    invalidOption('dashboard.path', path, 'a URL path starting with "/" (letters, digits, . _ ~ - /)');
  }
  const readOnly = input.readOnly ?? true;
  if (typeof readOnly !== 'boolean') invalidOption('dashboard.readOnly', readOnly, 'true or false');
  const guards: readonly unknown[] = input.guards ?? [];
  if (!Array.isArray(guards) || !guards.every(isGuard)) {
    invalidOption('dashboard.guards', guards, 'an array of guard classes or objects with canActivate()');
  }
  if (!readOnly && guards.length === 0) {
    invalidOption('dashboard.readOnly', readOnly, 'true unless "dashboard.guards" protects drain/undrain (pass a guard)');
  }
  const eventLogSize = input.eventLogSize ?? 100;
  if (!Number.isInteger(eventLogSize) || eventLogSize < 1 || eventLogSize > 10_000) {
    invalidOption('dashboard.eventLogSize', eventLogSize, 'an integer in 1..10000');
  }
  const serviceListInterval = input.serviceListInterval ?? 5_000;
  if (typeof serviceListInterval !== 'number' || !Number.isFinite(serviceListInterval) || serviceListInterval < 100) {
    invalidOption('dashboard.serviceListInterval', serviceListInterval, 'a number of milliseconds ≥ 100');
  }
  return Object.freeze({
    path: path.length > 1 ? path.replace(/\/+$/, '') : path,
    readOnly,
    guards: Object.freeze([...(guards as readonly DashboardGuard[])]),
    eventLogSize,
    serviceListInterval,
  });
}
