import { describe, expect, it } from '@jest/globals';
import { RegistryOptionsError } from '../errors/registry.error.js';
import { resolveDashboardOptions } from './dashboard.options.js';

class Guard {
  canActivate(): boolean {
    return true;
  }
}

describe('resolveDashboardOptions', () => {
  it('defaults to a read-only page at /registry/dashboard', () => {
    expect(resolveDashboardOptions()).toEqual({
      path: '/registry/dashboard',
      readOnly: true,
      guards: [],
      eventLogSize: 100,
      serviceListInterval: 5_000,
    });
  });

  it('drops a trailing slash and accepts guard classes and instances', () => {
    const guard = new Guard();
    expect(resolveDashboardOptions({ path: '/ops/registry/', readOnly: false, guards: [Guard, guard] })).toMatchObject({
      path: '/ops/registry',
      readOnly: false,
      guards: [Guard, guard],
    });
    expect(resolveDashboardOptions({ path: '/' }).path).toBe('/');
  });

  it.each([
    [{ path: 'registry' }, 'dashboard.path', 'starting with "/"'],
    [{ path: '/a//b' }, 'dashboard.path', 'starting with "/"'],
    [{ path: '/a b' }, 'dashboard.path', 'letters, digits'],
    [{ readOnly: 'no' as unknown as boolean }, 'dashboard.readOnly', 'true or false'],
    [{ readOnly: false }, 'dashboard.readOnly', 'pass a guard'],
    [{ guards: [{}] as never }, 'dashboard.guards', 'canActivate()'],
    [{ eventLogSize: 0 }, 'dashboard.eventLogSize', '1..10000'],
    [{ serviceListInterval: 10 }, 'dashboard.serviceListInterval', '≥ 100'],
  ])('rejects %j naming %s and the rule', (input, option, rule) => {
    let error: unknown;
    try {
      resolveDashboardOptions(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RegistryOptionsError);
    expect(error).toMatchObject({ option, message: expect.stringContaining(rule) });
  });
});
