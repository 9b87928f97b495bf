import { readFileSync } from 'node:fs';
import { invalidOption } from '../../options/resolve-options.js';

/** A PEM file's path, or its contents (a `Buffer`, or a string that contains `-----BEGIN`). @publicApi */
export type PemSource = Buffer | string;

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

const PEM_RULE = 'PEM data: a Buffer, a string containing "-----BEGIN", or the path of a readable PEM file';

/** Contents of one PEM source; throws naming the option, and the path but never the contents. */
function pem(option: string, source: unknown): Buffer {
  const hidden = '(PEM data, hidden)';
  let data: Buffer;
  if (Buffer.isBuffer(source)) data = source;
  else if (typeof source === 'string' && source.includes('-----BEGIN')) data = Buffer.from(source);
  else if (typeof source === 'string' && source.trim() !== '') {
    try {
      data = readFileSync(source);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return invalidOption(option, source, `${PEM_RULE} (reading it failed: ${why})`);
    }
    if (!data.includes('-----BEGIN')) invalidOption(option, source, `${PEM_RULE} (the file holds no PEM block)`);
    return data;
  } else return invalidOption(option, typeof source === 'string' ? source : typeof source, PEM_RULE);
  if (!data.includes('-----BEGIN')) invalidOption(option, hidden, PEM_RULE);
  return data;
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
    rootCertificate: pem('backend.credentials.rootCertificate', rootCertificate),
    ...(privateKey === undefined ? {} : { privateKey: pem('backend.credentials.privateKey', privateKey) }),
    ...(certChain === undefined ? {} : { certChain: pem('backend.credentials.certChain', certChain) }),
  });
}
