import { BadGatewayException, Controller, Get, Param, ServiceUnavailableException } from '@nestjs/common';
import { DiscoveryClient, NoInstancesError } from 'nest-service-registry';

/** `GET /users/:id`: forwards to a `user-service` instance chosen round-robin and returns its answer. */
@Controller('users')
export class UsersController {
  constructor(private readonly discovery: DiscoveryClient) {}

  @Get(':id')
  async findOne(@Param('id') id: string): Promise<unknown> {
    const instance = await this.discovery.choose('user-service', { version: '1.0' }).catch((error: unknown) => {
      if (error instanceof NoInstancesError) throw new ServiceUnavailableException(error.message);
      throw error;
    });
    const url = `${instance.protocol}://${instance.serviceHost}:${instance.servicePort}/users/${encodeURIComponent(id)}`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return await response.json();
    } catch (error) {
      this.discovery.reportFailure(instance);
      throw new BadGatewayException(`user-service instance ${instance.id} failed: ${(error as Error).message}`);
    }
  }
}
