/**
 * The JSON value a Java yu-rpc provider (or `etcdctl`) writes for `user-service:1.0` on
 * 127.0.0.1: only the five yu-rpc fields. Written by hand on purpose, not with the library's
 * encoder: the tests check that such a value is read with the right defaults.
 */
export const yuRpcValue = (port: number): string =>
  JSON.stringify({
    serviceName: 'user-service',
    serviceVersion: '1.0',
    serviceHost: '127.0.0.1',
    servicePort: port,
    serviceGroup: 'default',
  });
