import type { DynamicModule } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { USERS_PROTO } from '@app/demo-config';
import { registryChannelOptions, registryTarget } from 'nest-service-registry/grpc';

/** The demo's `users.UserService`, as a Nest `ClientGrpc` service. */
export interface UserService {
  get(request: { id: string }): Observable<{ servedBy: string }>;
}

/**
 * A Nest gRPC client `name` of the demo's `users` package dialing `registry:///<service>:1.0`,
 * with the registry's channel options and `UserService` declared idempotent (retried), as the
 * demo consumer has it.
 */
export function userGrpcClient(name: string, service = 'user-grpc'): DynamicModule {
  const channelOptions = registryChannelOptions({ retry: { services: ['users.UserService'] } });
  return ClientsModule.register([
    {
      name,
      transport: Transport.GRPC,
      options: { package: 'users', protoPath: USERS_PROTO, url: registryTarget(service, '1.0'), channelOptions },
    },
  ]);
}
