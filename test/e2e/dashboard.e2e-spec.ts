import { describe, expect, it } from '@jest/globals';
import { Injectable, Module, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { DiscoveryClient, RegistryModule } from 'nest-service-registry';
import { RegistryDashboardModule, type DashboardSnapshot, type RegistryDashboardOptions } from 'nest-service-registry/dashboard';
import { eventually } from 'nest-service-registry/testing';
import { portOf, startConsumer, testOptions, TrackedApps, UsersFixture, testApp } from '../support/apps.js';
import { useEtcdSuite } from '../support/etcd-suite.js';
import { expectWithin } from '../support/bounds.js';

// Issue 12, item 3: the dashboard's routes on a real etcd (the page in a browser is test/browser):
// read-only by default, drain/undrain of this process's own instances behind the app's guard, a
// global prefix, and no hang at shutdown with a live feed open.
const apps = new TrackedApps();
const suite = useEtcdSuite(apps);
const TOKEN = { 'x-token': 'let-me-in' };

@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-token'] === 'let-me-in';
  }
}

/** A provider of user-service:1.0 with the dashboard mounted; resolves with its base URL. */
async function startDashboardApp(dashboard: RegistryDashboardOptions, prefix?: string): Promise<string> {
  @Module({
    imports: [ScheduleModule.forRoot(), RegistryModule.forRoot(testOptions(suite.server.url)), RegistryDashboardModule.forRoot(dashboard)],
    controllers: [UsersFixture],
  })
  class DashboardApp {}
  const app = await apps.track(testApp(DashboardApp));
  if (prefix) app.setGlobalPrefix(prefix);
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${portOf(app)}`;
}

async function snapshotOf(url: string, headers: Record<string, string> = {}): Promise<DashboardSnapshot> {
  return (await (await fetch(`${url}/state`, { headers })).json()) as DashboardSnapshot;
}

describe('RegistryDashboardModule', () => {
  it('is read-only by default: page, assets and data are served, drain is refused', async () => {
    const base = await startDashboardApp({});
    const url = `${base}/registry/dashboard`;
    const page = await fetch(url);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<base href="/registry/dashboard/">');
    expect((await fetch(`${url}/dashboard.js`)).headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${url}/dashboard.css`)).headers.get('content-type')).toContain('text/css');
    await eventually(async () => expect((await snapshotOf(url)).registrations.map((r) => r.confirmed)).toEqual([true]));
    const snapshot = await snapshotOf(url);
    expect(snapshot).toMatchObject({ readOnly: true, namespace: 'rpc', backend: { kind: 'etcd' }, lease: { state: 'alive', ttl: 2 } });

    const drain = await fetch(`${url}/instances/${encodeURIComponent(snapshot.registrations[0]?.instanceId ?? '')}/drain`, {
      method: 'POST',
    });
    expect({ status: drain.status, body: await drain.text() }).toEqual({ status: 403, body: expect.stringContaining('read-only') });
  });

  it('with readOnly: false, drains and undrains its own instance behind the guard, and nothing else', async () => {
    const base = await startDashboardApp({ path: '/ops/registry', readOnly: false, guards: [TokenGuard] });
    const url = `${base}/ops/registry`;
    const discovery = (await apps.track(startConsumer(testOptions(suite.server.url)))).get(DiscoveryClient);
    await eventually(async () => expect(await discovery.getInstances('user-service')).toHaveLength(1));
    expect((await fetch(url)).status).toBe(403);
    expect((await fetch(`${url}/state`)).status).toBe(403);
    const [own] = (await snapshotOf(url, TOKEN)).registrations;
    const instanceUrl = `${url}/instances/${encodeURIComponent(own?.instanceId ?? '')}`;

    expect((await fetch(`${instanceUrl}/drain`, { method: 'POST' })).status).toBe(403);
    const drained = await fetch(`${instanceUrl}/drain`, { method: 'POST', headers: TOKEN });
    expect(drained.status).toBe(200);
    await eventually(() =>
      expect(discovery.getInstancesSync('user-service', { includeUnavailable: true }).map((i) => i.status)).toEqual(['OUT_OF_SERVICE']),
    );
    expect(discovery.getInstancesSync('user-service')).toEqual([]);
    await eventually(async () =>
      expect((await snapshotOf(url, TOKEN)).services.find((s) => s.key === 'user-service:1.0')).toMatchObject({ up: 0, total: 1 }),
    );

    expect((await fetch(`${instanceUrl}/undrain`, { method: 'POST', headers: TOKEN })).status).toBe(200);
    await eventually(() => expect(discovery.getInstancesSync('user-service').map((i) => i.status)).toEqual(['UP']));

    const foreign = await fetch(`${url}/instances/${encodeURIComponent('user-service:1.0@10.0.0.9:80')}/drain`, {
      method: 'POST',
      headers: TOKEN,
    });
    expect({ status: foreign.status, body: await foreign.text() }).toEqual({
      status: 404,
      body: expect.stringContaining('not an instance registered by this process'),
    });
  });

  it('finds its assets behind a global prefix, and ends open live feeds at shutdown', async () => {
    const base = await startDashboardApp({}, 'api');
    expect(await (await fetch(`${base}/api/registry/dashboard`)).text()).toContain('<base href="/api/registry/dashboard/">');
    const feed = await fetch(`${base}/api/registry/dashboard/events`);
    const reader = feed.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^event: snapshot\n/m);
    const drained = (async () => {
      while (!(await reader.read()).done);
    })();
    const closing = Date.now();
    await apps.closeAll();
    await drained;
    expectWithin('dashboard: open live feeds end at shutdown', Date.now() - closing, 5_000);
  });
});
