import { describe, expect, it } from '@jest/globals';
import { createServiceInstance } from '../model/index.js';
import { routeByTag, tagsOf } from './tag-routing.js';

const instance = (port: number, tags?: string) =>
  createServiceInstance({ serviceName: 's', serviceHost: 'h', servicePort: port, metadata: tags === undefined ? {} : { tags } });
const [plain1, plain2, canary, blue] = [instance(1), instance(2), instance(3, 'canary'), instance(4, ' blue , canary ')];

describe('tag routing', () => {
  it('reads the comma-separated tags metadata', () => {
    expect(tagsOf(blue)).toEqual(['blue', 'canary']);
    expect(tagsOf(plain1)).toEqual([]);
  });

  it('sends a tagged call to the instances carrying its tag', () => {
    const list = Object.freeze([plain1, plain2, canary, blue]);
    expect(routeByTag(list, 'canary')).toEqual([canary, blue]);
    expect(routeByTag(list, 'blue')).toEqual([blue]);
    expect(routeByTag(list, 'canary')).toBe(routeByTag(list, 'canary')); // memoised per list
  });

  it('falls back to untagged instances when none carries the tag, unless forced', () => {
    const list = Object.freeze([plain1, canary]);
    expect(routeByTag(list, 'green')).toEqual([plain1]);
    expect(routeByTag(list, 'green', true)).toEqual([]);
    expect(routeByTag(Object.freeze([canary]), 'green')).toEqual([]);
  });

  it('keeps untagged calls off tagged instances, unless every instance is tagged', () => {
    const list = Object.freeze([plain1, canary]);
    expect(routeByTag(list, undefined)).toEqual([plain1]);
    const allTagged = Object.freeze([canary, blue]);
    expect(routeByTag(allTagged, undefined)).toBe(allTagged);
    const none = Object.freeze([plain1, plain2]);
    expect(routeByTag(none, undefined)).toBe(none); // no tags at all: today's list, as it is
  });
});
