import { Controller, Get, Param } from '@nestjs/common';
import { RpcService, ServiceRegistry } from 'nest-service-registry';

const NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances'];

/** The demo service: `GET /users/:id` answers with a user and the instance that served it. */
@RpcService({ name: 'user-service', version: '1.0' })
@Controller('users')
export class UsersController {
  constructor(private readonly registry: ServiceRegistry) {}

  @Get(':id')
  findOne(@Param('id') id: string): { id: string; name: string; servedBy: string } {
    const own = this.registry.registrations().find((r) => r.instance.serviceName === 'user-service');
    const servedBy = own ? `${own.instance.serviceHost}:${own.instance.servicePort}` : 'unregistered';
    const index = [...id].reduce((sum, c) => sum + c.charCodeAt(0), 0) % NAMES.length;
    return { id, name: NAMES[index]!, servedBy };
  }
}
