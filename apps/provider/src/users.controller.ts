import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { RpcService, ServiceRegistry } from 'nest-service-registry';
import { Orders, type PlacedOrder } from './orders.js';
import { findUser } from './users.js';

/**
 * The demo service over HTTP: `GET /users/:id` answers with a user and the instance that served
 * it; `POST /orders` (`{ id }`) places an order (not idempotent).
 */
@RpcService({ name: 'user-service', version: '1.0' })
@Controller()
export class UsersController {
  constructor(
    private readonly registry: ServiceRegistry,
    private readonly orders: Orders,
  ) {}

  @Get('users/:id')
  findOne(@Param('id') id: string): { id: string; name: string; servedBy: string } {
    return findUser(this.registry, 'user-service', id);
  }

  @Post('orders')
  create(@Body() { id }: { id: string | number }): Promise<PlacedOrder> {
    return this.orders.place('user-service', id);
  }
}
