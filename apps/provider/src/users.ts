import { type ServiceRegistry } from 'nest-service-registry';

const NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances'];

/** `host:port` of `service` as this process registered it: the instance that served a call. */
export function servedBy(registry: ServiceRegistry, service: string): string {
  const own = registry.registrations().find((r) => r.instance.serviceName === service);
  return own ? `${own.instance.serviceHost}:${own.instance.servicePort}` : 'unregistered';
}

/** A demo user, and the instance (`host:port` of `service` as registered) that served it. */
export function findUser(registry: ServiceRegistry, service: string, id: string): { id: string; name: string; servedBy: string } {
  const index = [...id].reduce((sum, c) => sum + c.charCodeAt(0), 0) % NAMES.length;
  return { id, name: NAMES[index]!, servedBy: servedBy(registry, service) };
}
