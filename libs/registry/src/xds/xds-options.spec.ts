import { describe, expect, it } from '@jest/globals';
import { xdsBootstrap } from './xds-bootstrap.js';
import { checkXdsOptions, type XdsServerOptions } from './xds-options.js';

describe('xDS server options', () => {
  it('defaults to plaintext on 127.0.0.1', () => {
    expect(checkXdsOptions({ port: 0 })).toEqual({ port: 0, host: '127.0.0.1', tls: undefined, insecure: false });
  });

  it('names the option and the rule, and never shows key material', () => {
    expect(() => checkXdsOptions({ port: 70_000 })).toThrow(/xds\.port.*0\.\.65535/);
    expect(() => checkXdsOptions({ port: 1, host: 'my host' })).toThrow(/xds\.host.*IP address/);
    expect(() => checkXdsOptions({ port: 1, prot: 2 } as unknown as XdsServerOptions)).toThrow(/xds\.prot/);
    const secret = '-----BEGIN PRIVATE KEY----- s3cr3t';
    const error = (() => {
      try {
        checkXdsOptions({ port: 1, tls: { cert: 42 as unknown as string, key: secret } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/xds\.tls\.cert/);
    expect(error?.message).not.toContain('s3cr3t');
  });

  it('refuses plaintext off loopback unless told insecure; TLS anywhere', () => {
    expect(() => checkXdsOptions({ port: 1, host: '0.0.0.0' })).toThrow(/xds\.host.*loopback.*tls/);
    expect(checkXdsOptions({ port: 1, host: '0.0.0.0', insecure: true }).host).toBe('0.0.0.0');
    expect(checkXdsOptions({ port: 1, host: '::', tls: { cert: 'c', key: 'k' } }).tls?.cert).toEqual(Buffer.from('c'));
  });

  it('a bootstrap names the server over xds_v3, and the node zone when given', () => {
    expect(xdsBootstrap({ server: '127.0.0.1:18000', zone: 'a' })).toEqual({
      xds_servers: [{ server_uri: '127.0.0.1:18000', channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      node: { id: 'nest-service-registry-client', locality: { zone: 'a' } },
    });
  });
});
