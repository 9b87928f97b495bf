import { describe, expect, it } from '@jest/globals';
import { resolveZooKeeperOptions } from './zookeeper.options.js';

describe('resolveZooKeeperOptions: layouts', () => {
  it('defaults to the native layout, with the Curator defaults of the Java design', () => {
    expect(resolveZooKeeperOptions()).toMatchObject({
      layout: 'native',
      curator: { basePath: '/rpc/zk', versionInPath: true, payloadClass: 'com.yupi.yurpc.model.ServiceMetaInfo' },
    });
    expect(resolveZooKeeperOptions({ layout: 'curator', basePath: '/services', versionInPath: false, payloadClass: null })).toMatchObject({
      layout: 'curator',
      curator: { basePath: '/services', versionInPath: false, payloadClass: null },
    });
  });

  it.each([
    [{ layout: 'etcd' as never }, 'backend.layout'],
    [{ basePath: 'services' }, 'backend.basePath'],
    [{ basePath: '/services/' }, 'backend.basePath'],
    [{ versionInPath: 'no' as never }, 'backend.versionInPath'],
    [{ payloadClass: 'not a class' }, 'backend.payloadClass'],
  ])('rejects %j naming %s', (input, option) => {
    expect(() => resolveZooKeeperOptions(input)).toThrow(`"${option}"`);
  });
});
