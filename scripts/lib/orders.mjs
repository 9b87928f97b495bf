// @ts-check
// A steady stream of non-idempotent orders through the demo consumer, and the audit of what the
// providers' ORDERS_LOG files say about it (DESIGN §7). Shared by the deploy tests, the demo and the bench.
import { readFileSync } from 'node:fs';

/** The consumer's order endpoints: over the HTTP client, and over the TCP ClientProxy. */
export const ORDER_PATHS = /** @type {const} */ (['/orders', '/rpc/orders']);

/**
 * @typedef {{ path: string, id: string, status: number, code?: string, servedBy?: string, sentAt: number, endedAt: number }} OrderCall
 */

/** Makes each stream's ids its own, so that audits of several streams against one log never mix. */
let streams = 0;

/**
 * @typedef {(path: string, id: string) => Promise<{ status: number, code?: string, servedBy?: string }>} PlaceOrder
 */

/**
 * Places orders through the demo consumer on `port`: `POST <path>` with `{ id }`, 10 s deadline;
 * the answer's status, and its `code` / `servedBy`. A request that got no answer has status 0.
 * @param {number} port @returns {PlaceOrder}
 */
export const throughConsumer = (port) => async (path, id) => {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = /** @type {{ code?: string, servedBy?: string }} */ (await response.json().catch(() => ({})));
    return { status: response.status, code: body.code, servedBy: body.servedBy };
  } catch (error) {
    return { status: 0, code: String(/** @type {Error} */ (error)?.name ?? error) };
  }
};

/**
 * Places `perSecond` orders per path with `place` (a port: through the demo consumer there), each
 * with a new id, until stopped; `stop()` resolves every call once all have settled.
 * @param {number | PlaceOrder} place @param {number} perSecond @param {readonly string[]} [paths]
 */
export function orderStream(place, perSecond, paths = ORDER_PATHS) {
  const prefix = `${process.pid}-${++streams}-`;
  const send = typeof place === 'number' ? throughConsumer(place) : place;
  /** @type {Promise<OrderCall>[]} */
  const calls = [];
  let n = 0;
  const order = (/** @type {string} */ path) => {
    const id = `${prefix}${path === '/orders' ? 'h' : 't'}${++n}`;
    const sentAt = Date.now();
    calls.push(send(path, id).then((answer) => ({ path, id, ...answer, sentAt, endedAt: Date.now() })));
  };
  const timers = paths.map((path) => setInterval(() => order(path), 1000 / perSecond));
  return {
    /** Calls sent so far. */
    get sent() {
      return n;
    },
    /** Stops sending; resolves every call once all have settled. @returns {Promise<OrderCall[]>} */
    async stop() {
      for (const timer of timers) clearInterval(timer);
      return Promise.all(calls);
    },
  };
}

/**
 * What the calls and the providers' logs say together. `duplicated`: ids processed more than once;
 * `lost`: ids answered 200 that no provider processed; `processedButFailed`: failed calls whose id a
 * provider processed anyway (the caller was told it failed, and the order exists).
 * @param {OrderCall[]} calls @param {string[]} logFiles
 */
export function auditOrders(calls, logFiles) {
  /** @type {Map<string, number>} */
  const processed = new Map();
  for (const file of logFiles) {
    /** @type {string} */
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // a provider that processed nothing never created its log
    }
    for (const id of text.split('\n').filter(Boolean)) processed.set(id, (processed.get(id) ?? 0) + 1);
  }
  const failed = calls.filter((c) => c.status !== 200);
  return {
    sent: calls.length,
    ok: calls.length - failed.length,
    failed,
    duplicated: [...processed].filter(([, count]) => count > 1).map(([id]) => id),
    lost: calls.filter((c) => c.status === 200 && !processed.has(c.id)).map((c) => c.id),
    processedButFailed: failed.filter((c) => processed.has(c.id)).map((c) => c.id),
  };
}

/** One line for a report: `failed / duplicated / lost (processed but failed)` out of `sent`. @param {ReturnType<typeof auditOrders>} audit */
export function auditLine(audit) {
  return (
    `${audit.sent} orders: ${audit.failed.length} failed / ${audit.duplicated.length} duplicated / ${audit.lost.length} lost` +
    ` (${audit.processedButFailed.length} of the failed were processed anyway)`
  );
}
