import { invalidOption, warmupOption, zoneOption } from '../options/option-rules.js';
import { TAG_RULE } from '../options/traffic-options.js';
import { currentRegistryTag, isTag } from '../traffic/registry-tag.js';
import type { ChooseOptions } from './discovery.interfaces.js';
import { checkVersionSplit } from './version-split.js';

/** The traffic options a registry client takes, per call (HTTP) or per client (TCP). @internal */
export type TrafficChoice = Pick<ChooseOptions, 'zone' | 'warmup' | 'tag' | 'forceTag' | 'versions'>;

/**
 * What a registry client's calls choose by: `base` and the traffic options, checked once (errors
 * name the option through `at`). @internal
 */
export function checkedChoice(
  base: ChooseOptions,
  options: TrafficChoice,
  at: (option: string) => string = (o) => o,
): Readonly<ChooseOptions> {
  const { forceTag } = options;
  const zone = options.zone === undefined ? undefined : zoneOption(at('zone'), options.zone);
  const warmup = options.warmup === undefined ? undefined : warmupOption(at('warmup'), options.warmup);
  if (options.tag !== undefined && !isTag(options.tag)) invalidOption(at('tag'), options.tag, TAG_RULE);
  if (forceTag !== undefined && typeof forceTag !== 'boolean') invalidOption(at('forceTag'), forceTag, 'a boolean');
  const versions = options.versions === undefined ? undefined : checkVersionSplit(at('versions'), options.versions);
  return Object.freeze({ ...base, zone, warmup, tag: options.tag, forceTag, versions });
}

/** `choice` with the current request's tag (`RegistryTagInterceptor`) when it names none; `choice` itself otherwise (no allocation). @internal */
export function withCurrentTag(choice: Readonly<ChooseOptions>): Readonly<ChooseOptions> {
  if (choice.tag !== undefined) return choice;
  const tag = currentRegistryTag();
  return tag === undefined ? choice : { ...choice, tag };
}
