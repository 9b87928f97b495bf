import { Controller, Get, Param, Query, Sse, type MessageEvent } from '@nestjs/common';
import { filter, map, type Observable } from 'rxjs';
import { DiscoveryClient, type DiscoveryEvent, type ServiceInstance } from 'nest-service-registry';

/** The events that carry one instance. */
type InstanceEvent = Extract<DiscoveryEvent, { type: 'added' | 'removed' | 'updated' | 'ejected' | 'returned' }>;

/** What the consumer currently sees in the registry. */
@Controller('registry')
export class RegistryController {
  constructor(private readonly discovery: DiscoveryClient) {}

  /** Instances of a service (`?version=`, `?includeUnavailable=true`). */
  @Get('services/:name')
  instances(
    @Param('name') name: string,
    @Query('version') version?: string,
    @Query('includeUnavailable') includeUnavailable?: string,
  ): Promise<readonly ServiceInstance[]> {
    return this.discovery.getInstances(name, { version, includeUnavailable: includeUnavailable === 'true' });
  }

  /**
   * Server-sent events: one per added / removed / updated instance of a service looked up so far;
   * with `?ejected=true` also one per ejection (`type: "ejected"`, with `reason`, `count`,
   * `duration`) and one per return to choice (`type: "returned"`).
   */
  @Sse('events')
  events(@Query('ejected') ejected?: string): Observable<MessageEvent> {
    const types = new Set(['added', 'removed', 'updated', ...(ejected === 'true' ? ['ejected', 'returned'] : [])]);
    return this.discovery.events$.pipe(
      filter((event): event is InstanceEvent => types.has(event.type)),
      map((event) => ({
        data: {
          type: event.type,
          serviceName: event.serviceName,
          serviceVersion: event.serviceVersion,
          instance: event.instance,
          ...(event.type === 'ejected' ? { reason: event.reason, count: event.count, duration: event.duration } : {}),
        },
      })),
    );
  }
}
