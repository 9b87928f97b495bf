import { readFile, rename, writeFile } from 'node:fs/promises';
import { decodeInstance, encodeInstance, type ServiceInstance } from '../model/index.js';
import { MESSAGES } from '../registry.messages.js';

const FORMAT = 'nest-service-registry/snapshot';

/** What the snapshot file holds. */
interface SnapshotFile {
  format: typeof FORMAT;
  version: 1;
  namespace: string;
  savedAt: string;
  /** `name:version` → instances of every status. */
  services: Record<string, unknown[]>;
}

/** Instances of one service as last saved. @internal */
export interface SnapshotEntry {
  readonly savedAt: string;
  readonly instances: readonly ServiceInstance[];
}

/**
 * The consumer's snapshot file: the last known instances of every looked-up service, written
 * atomically (temp file + rename) shortly after each change, read once when a first lookup
 * cannot reach the registry. A file that cannot be read or parsed is ignored with one warning.
 * @internal
 */
export class SnapshotStore {
  private contents: Promise<Map<string, SnapshotEntry>> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly namespace: string,
    private readonly debounce: number,
    private readonly collect: () => ReadonlyMap<string, readonly ServiceInstance[]>,
    private readonly warn: (message: string) => void,
  ) {}

  /** Saved instances of `serviceKey` (`name:version`), if the file has them. Never rejects. */
  async read(serviceKey: string): Promise<SnapshotEntry | undefined> {
    this.contents ??= this.load();
    return (await this.contents).get(serviceKey);
  }

  /** Writes the current state soon (changes within the debounce window share one write). */
  scheduleWrite(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write());
    }, this.debounce);
  }

  /** Writes any pending change now; resolves when the file is on disk. Never rejects. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write());
    }
    await this.writing;
  }

  private async write(): Promise<void> {
    const services: Record<string, unknown[]> = {};
    for (const [key, instances] of this.collect()) services[key] = instances.map((i) => JSON.parse(encodeInstance(i)) as unknown);
    const body: SnapshotFile = { format: FORMAT, version: 1, namespace: this.namespace, savedAt: new Date().toISOString(), services };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, JSON.stringify(body));
      await rename(temporary, this.file);
    } catch (error) {
      this.warn(MESSAGES.snapshotWriteFailed(this.file, error));
    }
  }

  private async load(): Promise<Map<string, SnapshotEntry>> {
    const result = new Map<string, SnapshotEntry>();
    let parsed: Partial<SnapshotFile>;
    try {
      parsed = JSON.parse(await readFile(this.file, 'utf8')) as Partial<SnapshotFile>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(MESSAGES.snapshotUnreadable(this.file, error));
      return result;
    }
    if (parsed.format !== FORMAT || parsed.version !== 1 || typeof parsed.services !== 'object' || parsed.services === null) {
      this.warn(MESSAGES.snapshotUnreadable(this.file, new Error('not a nest-service-registry snapshot (version 1)')));
      return result;
    }
    if (parsed.namespace !== this.namespace) {
      this.warn(MESSAGES.snapshotUnreadable(this.file, new Error(`it belongs to namespace ${JSON.stringify(parsed.namespace)}`)));
      return result;
    }
    for (const [key, list] of Object.entries(parsed.services)) {
      if (!Array.isArray(list)) continue;
      const instances: ServiceInstance[] = [];
      for (const raw of list) {
        const decoded = decodeInstance(JSON.stringify(raw));
        if (decoded.ok) instances.push(decoded.instance);
      }
      result.set(key, { savedAt: String(parsed.savedAt), instances: Object.freeze(instances) });
    }
    return result;
  }
}
