// @ts-check
// Free loopback ports below Linux's ephemeral range (32768+): a restarted server must be able to
// bind its port again, and nobody else's ephemeral socket takes it meanwhile.
import { connect, createServer } from 'node:net';

const LOW = 20_000;
const HIGH = 32_000;
/** @type {Set<number>} */
const handedOut = new Set();

/** Whether nothing listens on loopback `port` (by binding it for a moment). */
export function isFree(/** @type {number} */ port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Whether something accepts TCP connections on loopback `port` (by connecting). A readiness probe:
 * unlike {@link isFree}, it never binds the port the awaited server is about to listen on.
 */
export function accepts(/** @type {number} */ port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => (socket.destroy(), resolve(false)));
  });
}

/** A free loopback TCP port in 20000..31999, not handed out before by this process. @returns {Promise<number>} */
export async function freePort() {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await isFree(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`No free port found between ${LOW} and ${HIGH}`);
}

/** Resolves once nothing listens on `port` any more (rejects after `timeout` ms). */
export async function waitPortFree(/** @type {number} */ port, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while (!(await isFree(port))) {
    if (Date.now() > deadline) throw new Error(`Port ${port} still in use after ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
