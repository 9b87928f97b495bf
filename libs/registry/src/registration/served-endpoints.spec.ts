import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Post } from '@nestjs/common';
import { EventPattern, GrpcMethod, MessagePattern } from '@nestjs/microservices';
import { servedEndpoints, servesGrpc } from './served-endpoints.js';

@Controller('users')
class HttpOnly {
  @Get(':id') find(): void {}
  @Post() create(): void {}
}

@Controller()
class MessagesOnly {
  @MessagePattern('users.get') get(): void {}
}

@Controller()
class EventsOnly {
  @EventPattern('users.created') created(_data: unknown): void {}
}

@Controller()
class GrpcOnly {
  @GrpcMethod('UserService', 'Get') get(): void {}
}

@Controller('users')
class Both {
  @Get(':id') find(): void {}
  @MessagePattern('users.get') get(): void {}
}

class InheritsMessages extends MessagesOnly {}

@Injectable()
class NoHandlers {
  work(): void {}
}

describe('servedEndpoints (against the real Nest decorators)', () => {
  it.each([
    ['HTTP routes only', HttpOnly, ['http']],
    ['@MessagePattern only', MessagesOnly, ['microservice']],
    ['@EventPattern only', EventsOnly, ['microservice']],
    ['@GrpcMethod only', GrpcOnly, ['microservice']],
    ['routes and patterns', Both, ['http', 'microservice']],
    ['patterns of a base class', InheritsMessages, ['microservice']],
    ['no handlers (a provider)', NoHandlers, ['http']],
  ])('%s', (_what, type, expected) => {
    expect(servedEndpoints(type)).toEqual(expected);
  });

  it('follows an explicit transport', () => {
    expect(servedEndpoints(Both, 'http')).toEqual(['http']);
    expect(servedEndpoints(HttpOnly, 'microservice')).toEqual(['microservice']);
    expect(servedEndpoints(NoHandlers, 'both')).toEqual(['http', 'microservice']);
  });
});

describe('servesGrpc (against the real Nest decorators)', () => {
  it('is true for @GrpcMethod handlers only', () => {
    expect([GrpcOnly, MessagesOnly, EventsOnly, HttpOnly, Both, NoHandlers].map(servesGrpc)).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
