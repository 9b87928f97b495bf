import type { ServiceInstance } from '../model/index.js';

/** The metadata key an instance's tags are written under, comma-separated (`RegistryModule.forRoot({ tags })`). @publicApi */
export const TAGS_METADATA_KEY = 'tags';

/** Tags parsed once per (frozen) instance. */
const parsed = new WeakMap<ServiceInstance, readonly string[]>();
/** Per (frozen) candidate list: its untagged instances, and its instances of each tag. */
const untaggedOf = new WeakMap<readonly ServiceInstance[], readonly ServiceInstance[]>();
const taggedOf = new WeakMap<readonly ServiceInstance[], Map<string, readonly ServiceInstance[]>>();

/** The tags an instance carries (its `tags` metadata, comma-separated; blanks ignored). @internal */
export function tagsOf(instance: ServiceInstance): readonly string[] {
  let tags = parsed.get(instance);
  if (tags === undefined) {
    const text = instance.metadata[TAGS_METADATA_KEY];
    tags = text === undefined ? [] : text.split(',').flatMap((t) => (t.trim() === '' ? [] : [t.trim()]));
    parsed.set(instance, tags);
  }
  return tags;
}

/**
 * Dubbo's tag routing over `list` (memoised per frozen list):
 * - with a `tag`: the instances carrying it; when none does, the untagged instances (with
 *   `force`: none at all);
 * - without: the untagged instances (tagged ones serve only their tag's calls), or every instance
 *   when all are tagged, so nothing is starved. A list without tags is returned as it is. @internal
 */
export function routeByTag(list: readonly ServiceInstance[], tag: string | undefined, force = false): readonly ServiceInstance[] {
  const plain = untagged(list);
  if (tag === undefined) return plain.length > 0 ? plain : list;
  let byTag = taggedOf.get(list);
  if (byTag === undefined) taggedOf.set(list, (byTag = new Map<string, readonly ServiceInstance[]>()));
  let carrying = byTag.get(tag);
  if (carrying === undefined) byTag.set(tag, (carrying = Object.freeze(list.filter((i) => tagsOf(i).includes(tag)))));
  return carrying.length > 0 || force ? carrying : plain;
}

/** The untagged instances of `list` (`list` itself when none is tagged). */
function untagged(list: readonly ServiceInstance[]): readonly ServiceInstance[] {
  let plain = untaggedOf.get(list);
  if (plain === undefined) {
    const kept = list.filter((i) => tagsOf(i).length === 0);
    plain = kept.length === list.length ? list : Object.freeze(kept);
    untaggedOf.set(list, plain);
  }
  return plain;
}
