import { Injectable } from '@nestjs/common';
import { appendFile } from 'node:fs/promises';
import { intFromEnv } from '@app/demo-config';
import { ServiceRegistry } from 'nest-service-registry';
import { servedBy } from './users.js';

/** An order as the demo answers it: its id, and the instance that processed it. */
export interface PlacedOrder {
  id: string;
  servedBy: string;
}

/**
 * The demo's non-idempotent operation (DESIGN §7): an order takes `ORDER_WORK_MS` (default 20) of
 * work, its id is appended to `ORDERS_LOG` (when set) once processed, then it is answered. A
 * deploy test reads the log to tell a failed call that was processed anyway from one that was not.
 */
@Injectable()
export class Orders {
  private readonly workMs = intFromEnv(process.env, 'ORDER_WORK_MS', 20);
  private readonly log = process.env.ORDERS_LOG || undefined;

  constructor(private readonly registry: ServiceRegistry) {}

  async place(service: string, id: unknown): Promise<PlacedOrder> {
    const order = String(id);
    await new Promise((resolve) => setTimeout(resolve, this.workMs));
    if (this.log) await appendFile(this.log, `${order}\n`);
    return { id: order, servedBy: servedBy(this.registry, service) };
  }
}
