import { MESSAGES } from '../registry.messages.js';
import { encodeInstance } from './instance.codec.js';
import { invalidField, MAX_INSTANCE_BYTES } from './instance-fields.js';
import type { ServiceInstance } from './service-instance.js';

/**
 * Why `instance` cannot be registered, or `undefined` when it can: the first field that breaks
 * its rule (the same rules the codec applies to what it reads), or an encoded value over
 * {@link MAX_INSTANCE_BYTES} naming its largest field. Used by `ServiceRegistry.register()`.
 * @publicApi
 */
export function validateInstance(instance: ServiceInstance): string | undefined {
  const label = typeof instance.id === 'string' && instance.id !== '' ? instance.id : String(instance.serviceName);
  const problem = invalidField(instance);
  if (problem) return MESSAGES.invalidInstance(label, problem.field, problem.value, problem.rule);
  const bytes = Buffer.byteLength(encodeInstance(instance));
  if (bytes <= MAX_INSTANCE_BYTES) return undefined;
  const sizes = Object.entries(instance).map(([field, value]) => [field, JSON.stringify(value)?.length ?? 0] as const);
  const largest = sizes.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return MESSAGES.instanceTooLarge(label, bytes, MAX_INSTANCE_BYTES, largest);
}
