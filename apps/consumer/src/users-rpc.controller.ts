import { Controller, Get, Inject, Param } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { upstreamError } from './upstream-error.js';

/** Injection token of the discovery-backed `user-rpc` client. */
export const USER_RPC = 'USER_RPC';

/** `GET /rpc/users/:id`: calls `users.get` on `user-rpc` over TCP through the discovery-backed ClientProxy. */
@Controller('rpc/users')
export class UsersRpcController {
  constructor(@Inject(USER_RPC) private readonly users: ClientProxy) {}

  @Get(':id')
  async findOne(@Param('id') id: string): Promise<unknown> {
    try {
      return await firstValueFrom(this.users.send('users.get', { id }).pipe(timeout(2_000)));
    } catch (error) {
      throw upstreamError('user-rpc', error);
    }
  }
}
