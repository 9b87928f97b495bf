import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import { intFromEnv, startMetrics } from '@app/demo-config';
import { ConsumerModule } from './consumer.module.js';

startMetrics(); // before the app: the registry's instruments come from the global meter provider
const app = await NestFactory.create(ConsumerModule);
app.enableShutdownHooks();
await app.listen(intFromEnv(process.env, 'PORT', 3000));
const address = (app.getHttpServer() as Server).address();
Logger.log(`Consumer listening on ${typeof address === 'object' && address ? address.port : address}`, 'Main');
