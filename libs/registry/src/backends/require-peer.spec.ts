import { describe, expect, it } from '@jest/globals';
import { RegistryError } from '../errors/registry.error.js';
import { requirePeer } from './require-peer.js';

function notFound(id: string): Error {
  return Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- /app/x.js`), { code: 'MODULE_NOT_FOUND' });
}

describe('requirePeer', () => {
  it('returns the loaded package', () => {
    expect(requirePeer('etcd3', 'x', () => ({ Etcd3: 1 }))).toEqual({ Etcd3: 1 });
  });

  it('names the missing package and the command that installs it', () => {
    const load = () => {
      throw notFound('ioredis');
    };
    const error = (() => {
      try {
        requirePeer('ioredis', 'The Redis backend (nest-service-registry/redis)', load);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({
      code: 'MISSING_DEPENDENCY',
      message:
        'The Redis backend (nest-service-registry/redis) needs the "ioredis" package, which is not installed: run `npm install ioredis`.',
    });
  });

  it('throws other failures as they are, a missing dependency of the package included', () => {
    const nested = notFound('@grpc/grpc-js');
    expect(() =>
      requirePeer('etcd3', 'x', () => {
        throw nested;
      }),
    ).toThrow(nested);
    const broken = new SyntaxError('Unexpected token');
    expect(() =>
      requirePeer('etcd3', 'x', () => {
        throw broken;
      }),
    ).toThrow(broken);
  });

  it('loads a real CommonJS package by default', () => {
    expect(typeof requirePeer<{ Etcd3: unknown }>('etcd3', 'x').Etcd3).toBe('function');
  });
});
