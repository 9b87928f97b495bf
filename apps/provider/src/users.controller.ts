import { Controller, Get, Param } from '@nestjs/common';
import { RpcService, ServiceRegistry } from 'nest-service-registry';
import { findUser } from './users.js';

/** The demo service over HTTP: `GET /users/:id` answers with a user and the instance that served it. */
@RpcService({ name: 'user-service', version: '1.0' })
@Controller('users')
export class UsersController {
  constructor(private readonly registry: ServiceRegistry) {}

  @Get(':id')
  findOne(@Param('id') id: string): { id: string; name: string; servedBy: string } {
    return findUser(this.registry, 'user-service', id);
  }
}
