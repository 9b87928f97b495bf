// The demo's building blocks: child processes it starts and stops, a steady stream of GETs
// through the consumer, a polling wait, and the consumer's server-sent registry events.
import { spawn } from 'node:child_process';

/** Starts a child, keeps its output, resolves the first match of `ready` in it. */
export function startChild(children, root, name, command, args, env, ready) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { name, child, output: '', exited: new Promise((resolve) => child.once('exit', resolve)) };
  children.push(entry);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not get ready in 20 s:\n${entry.output}`)), 20_000);
    const onData = (chunk) => {
      entry.output = (entry.output + chunk.toString()).slice(-8000);
      const match =
        ready &&
        entry.output
          .replace(/\u001b\[[0-9;]*m/g, '') // eslint-disable-line no-control-regex -- strips ANSI colour codes
          .match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ ...entry, match });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited early (code ${code}):\n${entry.output}`));
    });
  });
}

export /** Calls `${api}${path}/<n>` every 20 ms until stopped; counts calls, failures and who answered when. */
function steady(api, path) {
  const result = { path, calls: 0, failed: 0, errors: [], answers: [] };
  const pending = [];
  let running = true;
  const loop = (async () => {
    for (let id = 1; running; id++) {
      result.calls++;
      pending.push(
        fetch(`${api}${path}/${id}`, { signal: AbortSignal.timeout(5_000) })
          .then(async (response) => {
            const body = await response.json();
            if (!response.ok) throw new Error(`${response.status} ${body.message ?? ''}`);
            result.answers.push({ at: Date.now(), by: body.servedBy });
          })
          .catch((error) => {
            result.failed++;
            result.errors.push(error.message);
          }),
      );
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await Promise.all(pending);
      return result;
    },
  };
}

export async function waitFor(what, check, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const result = await check().catch(() => undefined);
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Follows the consumer's `/registry/events` (server-sent events); `events` fills as they come, `stop()` ends it. */
export async function followEvents(api) {
  const events = [];
  const sse = new AbortController();
  const stream = await fetch(`${api}/registry/events?ejected=true`, { signal: sse.signal });
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of stream.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((l) => l.startsWith('data:'));
        buffer = buffer.slice(end + 2);
        if (data) events.push({ at: Date.now(), ...JSON.parse(data.slice(5)) });
      }
    }
  })().catch(() => undefined);
  return { events, stop: () => sse.abort() };
}
