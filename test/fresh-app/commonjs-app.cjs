// A CommonJS JavaScript app (no TypeScript, decorators applied as functions) that loads the
// package through Node's require(esm): registers a service on the `port` option, waits for it,
// finds it, prints it, closes. Run by fresh-app.e2e-spec.ts inside the fresh app, with ETCD_HOSTS.
'use strict';
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ScheduleModule } = require('@nestjs/schedule');
const { DiscoveryClient, RegistryModule, RpcService, ServiceRegistry } = require('nest-service-registry');
const { etcd } = require('nest-service-registry/etcd');

class Billing {}
RpcService({ name: 'billing-cjs', version: '1.0' })(Billing);

class AppModule {}
Module({
  imports: [
    ScheduleModule.forRoot(),
    RegistryModule.forRoot({ backend: etcd({ hosts: process.env.ETCD_HOSTS }), host: '127.0.0.1', port: 4100 }),
  ],
  providers: [Billing],
})(AppModule);

async function main() {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  await app.get(ServiceRegistry).ready();
  const instance = await app.get(DiscoveryClient).choose('billing-cjs');
  console.log(JSON.stringify({ found: instance.id }));
  await app.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
