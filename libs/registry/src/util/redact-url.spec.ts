import { describe, expect, it } from '@jest/globals';
import { redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['redis://user:p4ss@127.0.0.1:6379', 'redis://user:***@127.0.0.1:6379'],
    ['rediss://:p4ss@redis.internal:6380/0', 'rediss://:***@redis.internal:6380/0'],
    ['redis://user:p@ss:w@rd@host:1', 'redis://user:***@host:1'],
    ['redis://user@host:1', 'redis://user@host:1'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['http://127.0.0.1:2379/a@b', 'http://127.0.0.1:2379/a@b'],
  ])('%s -> %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});
