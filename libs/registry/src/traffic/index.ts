/**
 * `nest-service-registry/traffic`: tag routing (the `x-registry-tag` header and its interceptor),
 * version splits and outlier detection's types. Zones and slow start are module options
 * (`zone`, `warmup`) and `ChooseOptions` fields.
 * @packageDocumentation
 */
export { RegistryTagInterceptor } from './registry-tag.interceptor.js';
export { REGISTRY_TAG_HEADER, currentRegistryTag, withRegistryTag } from './registry-tag.js';
export { TAGS_METADATA_KEY } from '../discovery/tag-routing.js';
export type { VersionSplit } from '../discovery/version-split.js';
export type { Ejection, EjectionReason } from '../discovery/outlier-detector.js';
export type { OutlierDetectionOptions, ResolvedOutlierDetection } from '../options/traffic-options.js';
