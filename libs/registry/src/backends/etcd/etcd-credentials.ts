import { invalidOption } from '../../options/option-rules.js';
import { readPem, type PemSource } from '../pem.js';

/** TLS material of the etcd backend. @publicApi */
export interface EtcdCredentials {
  /** CA certificate(s) that signed etcd's server certificate. */
  rootCertificate: PemSource;
  /** Client private key, for mutual TLS (with `certChain`). */
  privateKey?: PemSource;
  /** Client certificate, for mutual TLS (with `privateKey`). */
  certChain?: PemSource;
}

/** {@link EtcdCredentials} read and checked: PEM buffers. @publicApi */
export interface ResolvedEtcdCredentials {
  readonly rootCertificate: Buffer;
  readonly privateKey?: Buffer;
  readonly certChain?: Buffer;
}

/**
 * Reads and checks `backend.credentials` (at bootstrap): each source is PEM data or a readable
 * PEM file; a client key and certificate come together; TLS needs `https://` endpoints.
 * @internal
 */
export function resolveEtcdCredentials(input: unknown, hosts: readonly string[]): ResolvedEtcdCredentials | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== 'object' || input === null) {
    return invalidOption('backend.credentials', typeof input, '{ rootCertificate, privateKey?, certChain? }');
  }
  const { rootCertificate, privateKey, certChain } = input as Partial<Record<keyof EtcdCredentials, unknown>>;
  if ((privateKey === undefined) !== (certChain === undefined)) {
    invalidOption(
      'backend.credentials',
      '(privateKey and certChain, one missing)',
      'privateKey and certChain together (mutual TLS) or neither',
    );
  }
  const plain = hosts.filter((host) => host.startsWith('http://'));
  if (plain.length > 0) {
    invalidOption(
      'backend.hosts',
      plain,
      'https:// endpoints when backend.credentials are given (TLS is never used silently over http://)',
    );
  }
  return Object.freeze({
    rootCertificate: readPem('backend.credentials.rootCertificate', rootCertificate),
    ...(privateKey === undefined ? {} : { privateKey: readPem('backend.credentials.privateKey', privateKey) }),
    ...(certChain === undefined ? {} : { certChain: readPem('backend.credentials.certChain', certChain) }),
  });
}
