import { MESSAGES } from '../registry.messages.js';
import { BackendUnavailableError } from '../errors/registry.error.js';
import type { BackendEntry } from '../backends/registry-backend.js';
import { encodeInstance, instanceKey } from '../model/index.js';
import type { EntryContext } from './entry-context.js';

/** Where a cache entry's first instances came from. @internal */
export type FirstRead =
  | { readonly from: 'registry'; readonly entries: readonly BackendEntry[]; readonly revision: string }
  /** The registry could not be read: the snapshot file's instances, stale. */
  | { readonly from: 'snapshot'; readonly entries: readonly BackendEntry[]; readonly error: unknown };

/**
 * The first read of a service: one prefix read; when it fails, the snapshot file's instances
 * (with a warning) if there are any; otherwise a `BackendUnavailableError` naming the service
 * and the endpoints. @internal
 */
export async function firstRead(context: EntryContext, prefix: string, label: string): Promise<FirstRead> {
  try {
    const list = await context.backend.list(prefix);
    return { from: 'registry', entries: list.entries, revision: list.revision };
  } catch (error) {
    const saved = await context.fromSnapshot(label);
    if (!saved) throw new BackendUnavailableError(MESSAGES.listFailed(label, context.backend.endpoints, error), { cause: error });
    context.warn(MESSAGES.snapshotServed(label, saved.instances.length, saved.savedAt, context.backend.endpoints));
    const entries = saved.instances.map((instance) => ({ key: instanceKey(context.namespace, instance), value: encodeInstance(instance) }));
    return { from: 'snapshot', entries, error };
  }
}
