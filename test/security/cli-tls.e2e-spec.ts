import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TestCertificates } from '../../scripts/lib/certificates.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';

// The nest-registry tool against etcd over mutual TLS (certificates made by openssl for this run):
// etcds:// with --ca/--cert/--key, or the same files from the environment.
const CLI = join(import.meta.dirname, '../../dist/libs/registry/cli.js');
let pki: TestCertificates;
let server: EtcdServer;

beforeAll(async () => {
  pki = TestCertificates.create();
  server = await EtcdServer.start({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert, clientCertAuth: true } });
});

afterAll(async () => {
  await server?.stop();
  pki?.remove();
});

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const url = `etcds://${server.clientUrl.replace('https://', '')}`; // the name on the certificate (localhost)
  return spawnSync(process.execPath, [CLI, '--registry', url, ...args], { encoding: 'utf8', env, timeout: 30_000 });
}

describe('nest-registry over mutual TLS', () => {
  it('registers and lists with the CA and a client certificate given as flags or in the environment', () => {
    const flags = ['--ca', pki.ca.cert, '--cert', pki.client.cert, '--key', pki.client.key];
    expect(cli([...flags, 'register', '--permanent', 'tls-legacy', '1.0', '10.0.0.3', '443', '--check', 'tcp'])).toMatchObject({
      status: 0,
    });
    const env = {
      ...process.env,
      NEST_REGISTRY_CA_FILE: pki.ca.cert,
      NEST_REGISTRY_CERT_FILE: pki.client.cert,
      NEST_REGISTRY_KEY_FILE: pki.client.key,
    };
    expect(cli(['ls', 'tls-legacy'], env)).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('tls-legacy:1.0  10.0.0.3:443  STARTING  permanent'),
    });
    expect(cli([...flags, 'deregister', '10.0.0.3:443'])).toMatchObject({ status: 0 });
  });

  it('says what is missing or refused: no CA is a usage error (2); an untrusted client certificate fails (1)', () => {
    expect(cli(['ls'])).toMatchObject({ status: 2, stderr: expect.stringContaining('etcds:// needs --ca FILE') });
    const rogue = cli(['--ca', pki.ca.cert, '--cert', pki.rogueClient.cert, '--key', pki.rogueClient.key, 'ls']);
    expect(rogue).toMatchObject({ status: 1, stderr: expect.stringMatching(/TLS/) });
  });
});
