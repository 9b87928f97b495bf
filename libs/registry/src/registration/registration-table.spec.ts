import { describe, expect, it } from '@jest/globals';
import { createServiceInstance } from '../model/index.js';
import { RegistrationTable } from './registration-table.js';

const instance = (port: number, status: 'UP' | 'DOWN' = 'UP') =>
  createServiceInstance({ serviceName: 'svc', serviceHost: 'h', servicePort: port, status, registeredAt: 't' });

describe('RegistrationTable', () => {
  it('confirms a write on the lease it was sent on, and announces a key once', () => {
    const table = new RegistrationTable();
    table.set('k', instance(1));
    expect(table.pending('L1')).toEqual(['k']);
    const ticket = table.ticket('k')!;
    expect(table.confirm(ticket, 'L1')).toEqual(instance(1));
    expect(table.isConfirmed('k', 'L1')).toBe(true);
    expect(table.isConfirmed('k', 'L2')).toBe(false);
    expect(table.pending('L2')).toEqual(['k']);
    expect(table.confirm(table.ticket('k')!, 'L2')).toBeUndefined(); // already announced
  });

  it('a repair requested while a write is in flight is not erased by that write (the self-heal bug)', () => {
    const table = new RegistrationTable();
    table.set('k', instance(1));
    const inFlight = table.ticket('k')!; // put sent...
    table.invalidate('k'); // ...the key is deleted from outside before the answer arrives
    table.confirm(inFlight, 'L1'); // the answer of the earlier put
    expect(table.isConfirmed('k', 'L1')).toBe(false);
    expect(table.pending('L1')).toEqual(['k']); // the repair still has to write it
    table.confirm(table.ticket('k')!, 'L1');
    expect(table.pending('L1')).toEqual([]);
  });

  it('a new value makes the key pending again; an older ticket does not confirm it', () => {
    const table = new RegistrationTable();
    table.set('k', instance(1));
    const old = table.ticket('k')!;
    table.set('k', instance(1, 'DOWN'));
    table.confirm(old, 'L1');
    expect(table.registration('k', 'L1')).toEqual({ key: 'k', instance: instance(1, 'DOWN'), confirmed: false });
    expect(JSON.parse(table.ticket('k')!.value).status).toBe('DOWN');
  });

  it('forgets removed keys; confirming or invalidating them is harmless', () => {
    const table = new RegistrationTable();
    table.set('a', instance(1));
    table.set('b', instance(2));
    const ticket = table.ticket('a')!;
    expect(table.remove('a')).toBe(true);
    expect(table.remove('a')).toBe(false);
    expect(table.confirm(ticket, 'L1')).toBeUndefined();
    expect(table.invalidate('a')).toBe(false);
    expect(table.ticket('a')).toBeUndefined();
    expect(table.expectedValue('a')).toBeUndefined();
    expect(table.registrations('L1').map((r) => r.key)).toEqual(['b']);
  });

  it('leaves a key another owner holds: not pending, reported held, warned once per owner; a deletion takes it back', () => {
    const table = new RegistrationTable();
    table.set('k', instance(1));
    table.confirm(table.ticket('k')!, 'L1');
    expect(table.yieldTo('k', 'OTHER')).toBe(true);
    expect(table.yieldTo('k', 'OTHER')).toBe(false);
    expect(table.pending('L1')).toEqual([]);
    expect(table.registration('k', 'L1')).toMatchObject({ confirmed: false, heldBy: 'OTHER' });
    expect(table.invalidate('k')).toBe(true); // the other owner's key was deleted
    expect(table.pending('L1')).toEqual(['k']);
    expect(table.registration('k', 'L1')).toMatchObject({ confirmed: false, heldBy: undefined });
  });

  it('reclaims a key whose latest write is ours after all (a foreign write seen late)', () => {
    const table = new RegistrationTable();
    table.set('k', instance(1));
    table.yieldTo('k', 'OTHER');
    table.reclaim('k', 'L1');
    expect(table.registration('k', 'L1')).toMatchObject({ confirmed: true, heldBy: undefined });
    expect(table.pending('L1')).toEqual([]);
  });
});
