// @ts-check
// Test PKI made with openssl at run time: a CA, a server certificate for 127.0.0.1/localhost, a
// client certificate (mutual TLS), and a second, untrusted CA with its own client certificate.
// EC P-256 keys (fast to make); valid for two days; files in a temporary folder removed by `remove()`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireInstalled } from './binaries.mjs';

/** @typedef {{ cert: string, key: string }} Pair paths of a PEM certificate and its private key */

/** @param {string} dir @param {string[]} args */
function openssl(dir, args) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA named `name`: `name.crt`, `name.key`. @param {string} dir @param {string} name @returns {Pair} */
function makeCa(dir, name) {
  const subject = `/CN=nsr test ${name}`;
  openssl(
    dir,
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      subject,
    ]),
  );
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

/**
 * A certificate `name` signed by `ca`, with `extensions` (openssl x509v3 lines).
 * @param {string} dir @param {string} name @param {string} commonName @param {Pair} ca @param {string[]} extensions @returns {Pair}
 */
function makeLeaf(dir, name, commonName, ca, extensions) {
  writeFileSync(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
  openssl(
    dir,
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${commonName}`,
    ]),
  );
  openssl(
    dir,
    ['x509', '-req', '-in', `${name}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial'].concat([
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ]),
  );
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

export class TestCertificates {
  /** @param {string} dir */
  constructor(dir) {
    this.dir = dir;
    this.ca = makeCa(dir, 'ca');
    this.server = makeLeaf(dir, 'server', 'localhost', this.ca, [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'extendedKeyUsage=serverAuth,clientAuth',
    ]);
    this.client = makeLeaf(dir, 'client', 'nsr-app', this.ca, ['extendedKeyUsage=clientAuth']);
    this.rogueCa = makeCa(dir, 'rogue-ca');
    this.rogueClient = makeLeaf(dir, 'rogue-client', 'nsr-app', this.rogueCa, ['extendedKeyUsage=clientAuth']);
  }

  /** Makes a fresh set in a new temporary folder (needs openssl: fails naming the package otherwise). */
  static create() {
    requireInstalled('openssl');
    return new TestCertificates(mkdtempSync(join(tmpdir(), 'nsr-pki-')));
  }

  /** The contents of a PEM file of this set. @param {string} path */
  read(path) {
    return readFileSync(path);
  }

  remove() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
