import { Range } from 'etcd3';
import type { EtcdServer } from '../../scripts/lib/etcd-server.mjs';

/** A user and password of the test etcd. */
export interface EtcdUser {
  readonly username: string;
  readonly password: string;
}

/** The users {@link enableAuth} creates: root, the app's (readwrite on the namespace prefix only), and nobody's password. */
export const ROOT: EtcdUser = { username: 'root', password: 'root-secret-9f3c' };
export const APP: EtcdUser = { username: 'nsr-app', password: 'app-secret-4b7e' };

/**
 * Turns on authentication as an operator would, with the least privilege an app of the library
 * needs (the README's Security section lists the same steps as etcdctl commands): a root user,
 * a role with readwrite on `prefix` only, the app's user with that role.
 */
export async function enableAuth(server: EtcdServer, prefix = '/rpc/'): Promise<void> {
  const client = server.client();
  try {
    await client.user(ROOT.username).create(ROOT.password);
    await client.user(ROOT.username).addRole('root');
    const role = await client.role('nsr-registry').create();
    await role.grant({ permission: 'Readwrite', range: Range.prefix(prefix) });
    await client.user(APP.username).create(APP.password);
    await client.user(APP.username).addRole('nsr-registry');
    await client.auth.authEnable({});
  } finally {
    client.close();
  }
}
