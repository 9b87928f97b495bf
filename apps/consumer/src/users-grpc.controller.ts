import { Controller, Get, Inject, Param, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { USER_SERVICE, type UserServiceClient } from '@app/demo-config';
import { upstreamError } from './upstream-error.js';

/** Injection token of the `user-grpc` client (Nest's ClientGrpc dialing `registry:///user-grpc:1.0`). */
export const USER_GRPC = 'USER_GRPC';

/** `GET /grpc/users/:id`: calls `UserService.Get` on `user-grpc` through gRPC's round_robin over the registry's instances. */
@Controller('grpc/users')
export class UsersGrpcController implements OnModuleInit {
  private users!: UserServiceClient;

  constructor(@Inject(USER_GRPC) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.users = this.client.getService<UserServiceClient>(USER_SERVICE);
  }

  @Get(':id')
  async findOne(@Param('id') id: string): Promise<unknown> {
    try {
      return await firstValueFrom(this.users.get({ id }).pipe(timeout(2_000)));
    } catch (error) {
      throw upstreamError('user-grpc', error);
    }
  }
}
