import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DemoProvider } from '../../scripts/lib/demo-provider.mjs';
import { EtcdServer } from '../../scripts/lib/etcd-server.mjs';
import { ServerProcess } from '../../scripts/lib/server-process.mjs';
import { launchChromium } from '../support/browser.js';
import { startDemoConsumer } from '../../scripts/lib/demo-consumer.mjs';
import { spawnSync } from 'node:child_process';

// Issue 12, item 4: the demo consumer's dashboard in a real headless Chromium, against a real etcd
// and demo providers in child processes. Rows change live (no reload) as providers stop, crash
// and start. DASHBOARD_SCREENSHOT=docs/dashboard.png writes the README's screenshot.
const TTL = 3;
const SERVICE = '[data-service="user-service:1.0"]';
let etcd: EtcdServer;
let browser: Browser;
const consumer = new ServerProcess('consumer');
const providers: DemoProvider[] = [];

beforeAll(async () => {
  etcd = await EtcdServer.start();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await consumer.stop();
  for (const provider of providers) await provider.stop('SIGKILL');
  await etcd?.stop();
});

let consumerPort: number | undefined;
const startConsumer = async (): Promise<number> => (consumerPort ??= await startDemoConsumer(consumer, etcd.url, TTL));

async function startProvider(): Promise<DemoProvider> {
  const provider = await DemoProvider.start(etcd.url, TTL);
  providers.push(provider);
  return provider;
}

/** Milliseconds until the row of `provider`'s HTTP instance is present (`true`) or gone (`false`); fails after 10 s. */
async function rowChange(page: Page, provider: DemoProvider, present: boolean, started = Date.now()): Promise<number> {
  const selector = `${SERVICE} [data-instance-id="user-service:1.0@${provider.httpAddress}"]`;
  await page.locator(selector).waitFor({ state: present ? 'attached' : 'detached', timeout: 10_000 });
  return Date.now() - started;
}

describe('the registry dashboard in headless Chromium', () => {
  it('lists three providers, then follows a graceful stop, a crash and a new provider live', async () => {
    const [a, b, c] = [await startProvider(), await startProvider(), await startProvider()];
    const port = await startConsumer();
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()}: ${response.url()}`));
    page.on(
      'request',
      (request) => !request.url().startsWith(`http://127.0.0.1:${port}/`) && problems.push(`off-origin: ${request.url()}`),
    );

    await page.goto(`http://127.0.0.1:${port}/registry/dashboard`);
    // Locators and functions only: a string expression is eval'd in the page, which its CSP forbids.
    await page.locator(`${SERVICE} [data-instance-id]`).nth(2).waitFor({ timeout: 15_000 });
    expect(await page.locator(`${SERVICE} [data-instance-id]`).count()).toBe(3);
    await page.evaluate(() => ((globalThis as { notReloaded?: boolean }).notReloaded = true));
    expect(await page.locator(`${SERVICE} h3`).innerText()).toContain('3/3 healthy');
    const row = await page.locator(`[data-instance-id="user-service:1.0@${a.httpAddress}"]`).innerText();
    for (const field of [a.httpAddress, 'http', 'UP', '100', 'default', '1.0']) expect(row).toContain(field);
    expect(await page.locator('[data-service="user-rpc:1.0"] [data-instance-id]').count()).toBe(3);

    const stopped = Date.now();
    const graceful = a.stop('SIGTERM');
    const sigtermToGone = await rowChange(page, a, false, stopped);
    await graceful;

    const killed = Date.now();
    await b.stop('SIGKILL');
    const sigkillToGone = await rowChange(page, b, false, killed);

    const d = await startProvider();
    const newToShown = await rowChange(page, d, true);

    await page.locator('#events-body [data-event-type="removed"]').nth(1).waitFor();
    const screenshot = process.env.DASHBOARD_SCREENSHOT ?? join(tmpdir(), `nsr-dashboard-${process.pid}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });

    console.log(
      `dashboard: SIGTERM → row gone ${sigtermToGone} ms, SIGKILL → gone ${sigkillToGone} ms, new provider → shown ${newToShown} ms`,
    );
    expect({
      sigtermToGoneWithin1s: sigtermToGone <= 1_000 || sigtermToGone,
      sigkillToGoneWithinTtlPlus1s: sigkillToGone <= TTL * 1_000 + 1_000 || sigkillToGone,
      newProviderShownWithin1s: newToShown <= 1_000 || newToShown,
      stillTheSamePage: await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded === true),
      rows: await page.locator(`${SERVICE} [data-instance-id]`).count(),
      problems,
      png: readFileSync(screenshot).subarray(1, 4).toString(),
    }).toEqual({
      sigtermToGoneWithin1s: true,
      sigkillToGoneWithinTtlPlus1s: true,
      newProviderShownWithin1s: true,
      stillTheSamePage: true,
      rows: 2,
      problems: [],
      png: 'PNG',
    });
    expect(await page.locator('#feed').getAttribute('data-state')).toBe('live');
    void c;
  });

  it('marks a permanent instance (registered with the CLI) with its check', async () => {
    const port = await startConsumer();
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [
        join(import.meta.dirname, '../../dist/libs/registry/cli.js'),
        '--registry',
        `etcd://${etcd.url.slice(7)}`,
        ...args,
      ]);
    expect(cli('register', '--permanent', 'legacy-browser', '1.0', '127.0.0.1', '9', '--check', 'tcp').status).toBe(0);
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${port}/registry/dashboard`);
      const tag = page.locator('[data-service="legacy-browser:1.0"] [data-permanent]');
      await tag.waitFor({ timeout: 15_000 });
      expect(await tag.innerText()).toContain('(permanent, tcp, not checked yet)');
    } finally {
      await page.close();
      cli('deregister', '127.0.0.1:9');
    }
  }, 60_000);
});
