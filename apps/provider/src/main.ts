import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import { intFromEnv } from '@app/demo-config';
import { ProviderModule } from './provider.module.js';

const app = await NestFactory.create(ProviderModule);
app.enableShutdownHooks();
await app.listen(intFromEnv(process.env, 'PORT', 0));
const address = (app.getHttpServer() as Server).address();
Logger.log(`Provider listening on ${typeof address === 'object' && address ? address.port : address}`, 'Main');
