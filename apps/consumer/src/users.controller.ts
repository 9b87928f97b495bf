import { Controller, Get, Param } from '@nestjs/common';
import { RegistryHttpClient } from 'nest-service-registry';
import { upstreamError } from './upstream-error.js';

/** `GET /users/:id`: forwards to a `user-service` instance through the load-balanced HTTP client (round-robin, failover). */
@Controller('users')
export class UsersController {
  constructor(private readonly http: RegistryHttpClient) {}

  @Get(':id')
  async findOne(@Param('id') id: string): Promise<unknown> {
    let response: Response;
    try {
      response = await this.http.fetch('user-service', `/users/${encodeURIComponent(id)}`, {}, { timeout: 2_000 });
    } catch (error) {
      throw upstreamError('user-service', error);
    }
    if (!response.ok) throw upstreamError('user-service', new Error(`HTTP ${response.status}`));
    return response.json();
  }
}
