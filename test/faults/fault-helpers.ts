import type { INestApplication } from '@nestjs/common';
import type { Etcd3 } from 'etcd3';
import { decodeInstance } from 'nest-service-registry/backend-kit';
import { portOf } from '../support/apps.js';

/** Ids of the `user-service` instances stored in etcd (read with a plain client). */
export async function storedIds(client: Etcd3, service = 'user-service'): Promise<string[]> {
  const values = await client.getAll().prefix(`/rpc/${service}:1.0/`).strings();
  return Object.values(values)
    .map((raw) => {
      const decoded = decodeInstance(raw);
      if (!decoded.ok) throw new Error(`malformed value in etcd: ${raw}`);
      return decoded.instance.id;
    })
    .sort();
}

/** Instance id a provider app registers for `user-service`. */
export function idOf(app: INestApplication): string {
  return `user-service:1.0@127.0.0.1:${portOf(app)}`;
}

/** A yu-rpc style value, for instances written directly with a plain client. */
export function plainValue(port: number): string {
  return JSON.stringify({
    serviceName: 'user-service',
    serviceVersion: '1.0',
    serviceHost: '127.0.0.1',
    servicePort: port,
    serviceGroup: 'default',
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
