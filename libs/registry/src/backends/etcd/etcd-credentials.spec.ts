import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveEtcdCredentials } from './etcd-credentials.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----\n';
const TLS = ['https://127.0.0.1:2379'];

describe('resolveEtcdCredentials', () => {
  it('takes buffers, PEM strings and file paths, and reads files at bootstrap', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsr-creds-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), PEM);
      const resolved = resolveEtcdCredentials({ rootCertificate: join(dir, 'ca.pem'), privateKey: KEY, certChain: Buffer.from(PEM) }, TLS);
      expect(resolved?.rootCertificate.toString()).toBe(PEM);
      expect(resolved?.privateKey?.toString()).toBe(KEY);
      expect(resolved?.certChain?.toString()).toBe(PEM);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is undefined without credentials', () => {
    expect(resolveEtcdCredentials(undefined, ['http://127.0.0.1:2379'])).toBeUndefined();
  });

  it('names the option and the path of a missing or non-PEM file', () => {
    expect(() => resolveEtcdCredentials({ rootCertificate: '/nonexistent/ca.pem' }, TLS)).toThrow(
      'Invalid registry option "backend.credentials.rootCertificate": got "/nonexistent/ca.pem", expected PEM data: a Buffer, a string containing "-----BEGIN", or the path of a readable PEM file (reading it failed: ENOENT).',
    );
    const dir = mkdtempSync(join(tmpdir(), 'nsr-creds-'));
    try {
      writeFileSync(join(dir, 'ca.txt'), 'not pem');
      expect(() => resolveEtcdCredentials({ rootCertificate: join(dir, 'ca.txt') }, TLS)).toThrow('(the file holds no PEM block)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never prints key material', () => {
    const broken = 'secret-key-material but no PEM header';
    let message = '';
    try {
      resolveEtcdCredentials({ rootCertificate: PEM, privateKey: Buffer.from(broken), certChain: PEM }, TLS);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('backend.credentials.privateKey');
    expect(message).not.toContain('secret-key-material');
  });

  it('wants a client key and certificate together', () => {
    expect(() => resolveEtcdCredentials({ rootCertificate: PEM, privateKey: KEY }, TLS)).toThrow(
      'expected privateKey and certChain together (mutual TLS) or neither',
    );
  });

  it('refuses TLS material with http:// endpoints', () => {
    expect(() => resolveEtcdCredentials({ rootCertificate: PEM }, ['https://a:2379', 'http://b:2379'])).toThrow(
      'Invalid registry option "backend.hosts": got ["http://b:2379"], expected https:// endpoints when backend.credentials are given',
    );
  });
});
