import { createServer } from 'node:net';

// Below Linux's ephemeral range (32768+): a restarted server must be able to bind its port again.
const LOW = 20_000;
const HIGH = 32_000;

function tryPort(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const handedOut = new Set<number>();

/** A free loopback TCP port below 32768, not handed out before by this process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await tryPort(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('No free port found between 20000 and 32000');
}

/** Resolves once nothing listens on `port` any more (or rejects after `timeout` ms). */
export async function waitPortFree(port: number, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await tryPort(port))) {
    if (Date.now() > deadline) throw new Error(`Port ${port} still in use after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
