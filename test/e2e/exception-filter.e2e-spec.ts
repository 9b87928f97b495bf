import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, type LoggerService } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { CallOutcomeUnknownError, DiscoveryClient, memory, RegistryExceptionFilter, RegistryModule } from 'nest-service-registry';

// RegistryExceptionFilter in a real Nest HTTP app, built with @nestjs/testing on the memory backend
// (no registry server): the call path's errors become 503/502 answers with their code, one log
// line each, no stack anywhere.
class CapturingLogger implements LoggerService {
  readonly calls: Array<{ level: string; args: unknown[] }> = [];
  log = (...args: unknown[]) => void this.calls.push({ level: 'log', args });
  warn = (...args: unknown[]) => void this.calls.push({ level: 'warn', args });
  error = (...args: unknown[]) => void this.calls.push({ level: 'error', args });
  debug = (...args: unknown[]) => void this.calls.push({ level: 'debug', args });
  verbose = (...args: unknown[]) => void this.calls.push({ level: 'verbose', args });
}

@Controller()
class CallsController {
  constructor(private readonly discovery: DiscoveryClient) {}

  @Get('none')
  async none(): Promise<unknown> {
    return this.discovery.choose('user-service');
  }

  @Get('lost')
  lost(): never {
    throw new CallOutcomeUnknownError('lost after it was sent', 'user-rpc', '10.0.0.7:4000', 'user-rpc:1.0@10.0.0.7:4000', new Error('x'));
  }

  @Get('other')
  other(): never {
    throw new Error('not a registry error');
  }
}

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(logger: CapturingLogger): Promise<string> {
  const module = await Test.createTestingModule({
    imports: [RegistryModule.forRoot({ backend: memory(), host: '127.0.0.1' })],
    controllers: [CallsController],
    providers: [{ provide: APP_FILTER, useClass: RegistryExceptionFilter }],
  }).compile();
  app = module.createNestApplication({ logger });
  await app.listen(0, '127.0.0.1');
  return app.getUrl();
}

describe('RegistryExceptionFilter', () => {
  it('answers NoInstancesError with 503, Retry-After and the code, logging one line without a stack', async () => {
    const logger = new CapturingLogger();
    const base = await start(logger);
    const response = await fetch(`${base}/none`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      statusCode: 503,
      code: 'NO_INSTANCES',
      service: 'user-service',
      message: expect.stringContaining('No available instance of user-service:1.0'),
    });
    const lines = logger.calls.filter((c) => c.level === 'warn' || c.level === 'error');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({
      level: 'warn',
      args: [expect.stringMatching(/^GET \/none -> 503 NO_INSTANCES: /), 'RegistryExceptionFilter'],
    });
  });

  it('answers CallOutcomeUnknownError with 502 and its code, and leaves other errors to Nest', async () => {
    const base = await start(new CapturingLogger());
    const lost = await fetch(`${base}/lost`);
    expect(lost.status).toBe(502);
    expect(await lost.json()).toEqual({
      statusCode: 502,
      code: 'CALL_OUTCOME_UNKNOWN',
      service: 'user-rpc',
      message: 'lost after it was sent',
    });
    const other = await fetch(`${base}/other`);
    expect(other.status).toBe(500);
  });
});
