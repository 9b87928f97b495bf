import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { RegistryHttpClient } from 'nest-service-registry';
import { firstValueFrom, timeout } from 'rxjs';
import { upstreamError } from './upstream-error.js';
import { USER_RPC } from './users-rpc.controller.js';

/**
 * Orders, not idempotent on either path: a call is never delivered twice, and one that may have
 * reached a provider and got no answer fails (502, `CALL_OUTCOME_UNKNOWN`) rather than being sent again.
 * - `POST /orders` -> `POST /orders` of a `user-service` instance, through the HTTP client;
 * - `POST /rpc/orders` -> `orders.create` on `user-rpc`, through the discovery-backed ClientProxy.
 */
@Controller()
export class OrdersController {
  constructor(
    private readonly http: RegistryHttpClient,
    @Inject(USER_RPC) private readonly rpc: ClientProxy,
  ) {}

  @Post('orders')
  @HttpCode(200)
  async overHttp(@Body() { id }: { id: string | number }): Promise<unknown> {
    let response: Response;
    try {
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) };
      response = await this.http.fetch('user-service', '/orders', init, { timeout: 5_000 });
    } catch (error) {
      throw upstreamError('user-service', error);
    }
    if (!response.ok) throw upstreamError('user-service', new Error(`HTTP ${response.status}`));
    return response.json();
  }

  @Post('rpc/orders')
  @HttpCode(200)
  async overTcp(@Body() { id }: { id: string | number }): Promise<unknown> {
    try {
      return await firstValueFrom(this.rpc.send('orders.create', { id }).pipe(timeout(5_000)));
    } catch (error) {
      throw upstreamError('user-rpc', error);
    }
  }
}
