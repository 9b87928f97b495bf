import 'reflect-metadata';
import { Etcd3 } from 'etcd3';
import { EtcdServer } from '../scripts/lib/etcd-server.mjs';
import { createDiscoveryClient, encodeInstance, createServiceInstance } from 'nest-service-registry';
import { etcd } from 'nest-service-registry/etcd';
const server = await EtcdServer.start({ name: 'prof' });
const c = server.client();
for (let b = 0; b < 10; b++) await Promise.all(Array.from({ length: 1000 }, (_, j) => { const i = b * 1000 + j; return c.put(`/rpc/cold:1.0/127.0.0.1:${1000 + i}`).value(encodeInstance(createServiceInstance({ serviceName: 'cold', serviceVersion: '1.0', serviceHost: '127.0.0.1', servicePort: 1000 + i }))); }));
const factory = etcd({ hosts: server.url });
const backend = factory.create({ requestTimeout: 30000 });
const raw = new Etcd3({ hosts: server.url });
const rs = [], os = [], ls = [];
for (let r = 0; r < 12; r++) {
  let t = performance.now(); await raw.getAll().prefix('/rpc/cold:1.0/').exec(); rs.push(performance.now() - t);
  t = performance.now(); await backend.list('/rpc/cold:1.0/'); ls.push(performance.now() - t);
  const d = await createDiscoveryClient({ backend: factory, host: '127.0.0.1' }, backend);
  t = performance.now(); await d.getInstances('cold'); os.push(performance.now() - t);
  await d.close();
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1].toFixed(1);
console.log('raw', med(rs), 'backend.list', med(ls), 'ours', med(os));
await backend.close(); raw.close(); c.close(); await server.stop();
