import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcService, ServiceRegistry } from 'nest-service-registry';
import { Orders, type PlacedOrder } from './orders.js';
import { findUser } from './users.js';

/**
 * The demo service over TCP: `users.get` with `{ id }` answers like `GET /users/:id`, served by
 * the TCP endpoint; `orders.create` with `{ id }` places an order like `POST /orders`.
 */
@RpcService({ name: 'user-rpc', version: '1.0' })
@Controller()
export class UsersRpcController {
  constructor(
    private readonly registry: ServiceRegistry,
    private readonly orders: Orders,
  ) {}

  @MessagePattern('users.get')
  get(@Payload() { id }: { id: string | number }): { id: string; name: string; servedBy: string } {
    return findUser(this.registry, 'user-rpc', String(id));
  }

  @MessagePattern('orders.create')
  create(@Payload() { id }: { id: string | number }): Promise<PlacedOrder> {
    return this.orders.place('user-rpc', id);
  }
}
