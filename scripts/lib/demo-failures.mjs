// The demo's stop-and-crash section: under a steady stream of calls on each path, one provider
// gets SIGTERM and another SIGKILL; prints how long the consumer took to drop each, and what the
// streams saw (calls, failures, calls retried elsewhere, answers after a stop).
import { steady, waitFor } from './demo-kit.mjs';

/**
 * @param {{ api: string, providers: any[], events: any[], ttl: number, say: (line?: string) => void }} demo
 */
export async function stopAndCrash({ api, providers, events, ttl, say }) {
  const TTL = ttl;
  const stopped = []; // { addresses, ports, at }: providers stopped, for the stream summary
  const removal = async (provider, signal, label) => {
    const since = Date.now();
    stopped.push({
      addresses: [`127.0.0.1:${provider.port}`, `127.0.0.1:${provider.rpcPort}`, `127.0.0.1:${provider.grpcPort}`],
      ports: { '/users': provider.port, '/rpc/users': provider.rpcPort, '/grpc/users': provider.grpcPort },
      at: since,
    });
    provider.child.kill(signal);
    const event = await waitFor(
      `the consumer to drop ${provider.name}`,
      async () => events.find((e) => e.type === 'removed' && e.instance.servicePort === provider.port),
      TTL * 1000 + 10_000,
    );
    say(`   ${label}: ${provider.name} (:${provider.port}) gone from the consumer's view after ${event.at - since} ms`);
  };
  say('\n== Stopping and crashing providers under a steady stream of calls (50/s on each path):');
  const streams = [steady(api, '/users'), steady(api, '/rpc/users'), steady(api, '/grpc/users')];
  await new Promise((r) => setTimeout(r, 1_000));
  await removal(providers[0], 'SIGTERM', 'graceful stop (SIGTERM)');
  await removal(providers[1], 'SIGKILL', `crash (SIGKILL, lease TTL ${TTL} s)`);
  for (const s of streams) {
    const { path, calls, failed, errors, answers } = await s.stop();
    const late = answers.filter((a) => stopped.some((p) => p.addresses.includes(a.by) && a.at > p.at + 100)).length;
    // Each call that reached a stopped instance failed there, ejected it (an "ejected" event) and went to another one.
    const reached = events.filter(
      (e) => e.type === 'ejected' && stopped.some((p) => e.instance.servicePort === p.ports[path] && e.at >= p.at),
    ).length;
    // gRPC balances and retries by itself (round_robin, retry policy on UNAVAILABLE): no ejected events to count.
    const retried =
      path === '/grpc/users'
        ? "gRPC's retry policy and the registry's re-send cover calls in flight to a stopped provider"
        : `${reached} reached a stopped provider and were retried elsewhere`;
    say(`   ${path.padEnd(11)} ${calls} calls, ${failed} failed (expected 0); ${retried}; ${late} answered by a provider after it stopped`);
    for (const e of [...new Set(errors)].slice(0, 3)) say(`      failure: ${e}`);
  }
}
