import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { RpcService, ServiceRegistry } from 'nest-service-registry';
import { findUser } from './users.js';

/** The demo service over gRPC (`users.UserService.Get`), served by the gRPC server on GRPC_PORT. */
@RpcService({ name: 'user-grpc', version: '1.0' })
@Controller()
export class UsersGrpcController {
  constructor(private readonly registry: ServiceRegistry) {}

  @GrpcMethod('UserService', 'Get')
  get({ id }: { id: string }): { id: string; name: string; servedBy: string } {
    return findUser(this.registry, 'user-grpc', String(id));
  }
}
