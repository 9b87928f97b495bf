import { describe, expect, it } from '@jest/globals';
import { unreachableTlsEndpoint } from './tls-host-name.js';

describe('unreachableTlsEndpoint', () => {
  it('finds an https endpoint addressed by an IPv4 or IPv6 literal on Node 26 and later', () => {
    expect(unreachableTlsEndpoint(['https://etcd-1:2379', 'https://10.0.0.7:2379'], 26)).toBe('https://10.0.0.7:2379');
    expect(unreachableTlsEndpoint(['https://[::1]:2379'], 27)).toBe('https://[::1]:2379');
  });

  it('accepts host names, plain http endpoints, and any endpoint before Node 26', () => {
    expect(unreachableTlsEndpoint(['https://localhost:2379', 'https://etcd-1.internal:2379'], 26)).toBeUndefined();
    expect(unreachableTlsEndpoint(['http://127.0.0.1:2379'], 26)).toBeUndefined();
    expect(unreachableTlsEndpoint(['https://127.0.0.1:2379'], 24)).toBeUndefined();
  });
});
